import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EtcdMemberTlsFiles } from './etcd-member.ts';
import { findEtcdBinary } from './etcd-member.ts';
import { haNode, planHaRecord, resolveLayout } from './ha-plan.ts';
import { agentProcess, etcdProcess, lbProcess, podCidrOf, serverProcess } from './ha-processes.ts';
import { K8TS_BIN } from './k8ts-bin.ts';

const tls: EtcdMemberTlsFiles = { caFile: '/e/ca.crt', serverCertFile: '/e/s.crt', serverKeyFile: '/e/s.key', peerCertFile: '/e/p.crt', peerKeyFile: '/e/p.key' };
const serverFiles = { dataDir: '/d/nodes/cp-2', etcdClient: { caFile: '/d/etcd/pki/ca.crt', certFile: '/d/etcd/pki/cp-2-client.crt', keyFile: '/d/etcd/pki/cp-2-client.key' } };
const value = (argv: readonly string[], flag: string): string | undefined => argv[argv.indexOf(flag) + 1];

describe('HA process command lines', () => {
  const stacked = planHaRecord('dev', 5, resolveLayout({ controlPlanes: 3 }), new Date(0));
  const external = planHaRecord('dev', 5, resolveLayout({ topology: 'external', controlPlanes: 2 }), new Date(0));
  const cp2 = stacked.nodes![1]!;

  it('a stacked apiserver talks only to its local etcd member; an external one to every member', () => {
    const argv = serverProcess(stacked, cp2, serverFiles).argv;
    assert.equal(value(argv, '--etcd-servers'), 'https://127.10.5.2:2379');
    assert.equal(value(argv, '--bind-address'), '127.10.5.2');
    assert.equal(value(argv, '--advertise-address'), '127.10.5.2');
    assert.equal(value(argv, '--node-name'), 'cp-2');
    assert.equal(value(argv, '--storage'), 'etcd');
    assert.equal(value(argv, '--etcd-certfile'), '/d/etcd/pki/cp-2-client.crt');
    assert.equal(value(argv, '--apiserver-endpoints'), 'https://127.10.5.1:6443,https://127.10.5.3:6443', 'the other apiservers, for the in-process components');
    assert.equal(value(argv, '--service-cluster-ip-range'), '127.11.5.0/24');
    const ext = serverProcess(external, external.nodes![0]!, serverFiles).argv;
    assert.equal(value(ext, '--etcd-servers'), 'https://127.10.5.51:2379,https://127.10.5.52:2379,https://127.10.5.53:2379');
  });

  it("runs each control plane's kubelet in its server, tainted NoSchedule only when the cluster has workers", () => {
    const argv = serverProcess(stacked, cp2, serverFiles).argv;
    assert.equal(value(argv, '--node-ip'), '127.10.5.2');
    assert.equal(value(argv, '--pod-cidr'), '127.25.2.0/24');
    assert.equal(argv.includes('--register-with-taints'), false);
    const withWorkers = planHaRecord('dev', 5, resolveLayout({ controlPlanes: 3, workers: 1, workerRuntime: 'sim' }), new Date(0));
    assert.equal(value(serverProcess(withWorkers, cp2, serverFiles).argv, '--register-with-taints'), 'node-role.kubernetes.io/control-plane:NoSchedule');
    const worker = withWorkers.nodes!.find((n) => n.role === 'worker')!;
    const simAgent = agentProcess(withWorkers, worker, { dataDir: '/w', kubeconfig: '/w/k', servingCertFile: '/k.crt', servingKeyFile: '/k.key', caFile: '/ca.crt' }).argv;
    assert.equal(value(simAgent, '--runtime'), 'sim');
    assert.equal(simAgent[1], K8TS_BIN, 'a sim agent keeps the default Node options');
  });

  it('an etcd member bootstraps with the initial members, or joins with the membership it was announced into', { skip: findEtcdBinary() === undefined ? 'no etcd binary' : false }, () => {
    const argv = etcdProcess('/d', stacked, cp2, tls).argv;
    assert.ok(argv.includes('--initial-cluster=cp-1=https://127.10.5.1:2380,cp-2=https://127.10.5.2:2380,cp-3=https://127.10.5.3:2380'));
    assert.ok(argv.includes('--initial-cluster-state=new'));
    assert.ok(argv.includes('--client-cert-auth=true') && argv.includes('--peer-client-cert-auth=true'));
    assert.ok(argv.includes('--data-dir=/d/etcd/members/cp-2/data'));
    const joining = { ...haNode('control-plane', 4, 5), etcdJoin: 'cp-1=https://127.10.5.1:2380,cp-4=https://127.10.5.4:2380' };
    const join = etcdProcess('/d', { ...stacked, nodes: [...stacked.nodes!, joining] }, joining, tls).argv;
    assert.ok(join.includes('--initial-cluster=cp-1=https://127.10.5.1:2380,cp-4=https://127.10.5.4:2380'));
    assert.ok(join.includes('--initial-cluster-state=existing'));
  });

  it('a worker runs `k8ts agent` per its contract: every apiserver, its address and pod CIDR', () => {
    const worker = haNode('worker', 2, 5);
    assert.equal(worker.address, '127.10.5.102');
    assert.equal(podCidrOf(stacked, worker), '127.25.102.0/24');
    const argv = agentProcess(stacked, worker, { dataDir: '/d/nodes/worker-2', kubeconfig: '/d/nodes/worker-2/kubeconfig', servingCertFile: '/k.crt', servingKeyFile: '/k.key', caFile: '/ca.crt' }).argv;
    assert.deepEqual(argv.slice(1, 4), ['--max-semi-space-size=1', K8TS_BIN, 'agent'], 'a process-runtime agent runs with a small young generation');
    assert.deepEqual(argv.flatMap((a, i) => (a === '--server' ? [argv[i + 1]] : [])), ['https://127.10.5.1:6443', 'https://127.10.5.2:6443', 'https://127.10.5.3:6443']);
    for (const [flag, expected] of [
      ['--kubeconfig', '/d/nodes/worker-2/kubeconfig'],
      ['--node-name', 'worker-2'],
      ['--node-ip', '127.10.5.102'],
      ['--pod-cidr', '127.25.102.0/24'],
      ['--runtime', 'process'],
      ['--data-dir', '/d/nodes/worker-2'],
      ['--tls-cert-file', '/k.crt'],
      ['--tls-private-key-file', '/k.key'],
      ['--client-ca-file', '/ca.crt'],
    ]) {
      assert.equal(value(argv, flag!), expected, flag);
    }
  });

  it('the load balancer listens on its own address with the backends file and the cluster CA', () => {
    const argv = lbProcess('/d', stacked).argv;
    assert.equal(value(argv, '--engine'), 'builtin');
    assert.equal(value(argv, '--bind-address'), '127.10.5.250');
    assert.equal(value(argv, '--backends-file'), '/d/lb/backends');
    assert.equal(value(argv, '--ca-file'), '/d/pki/ca.crt');
    assert.equal(value(argv, '--status-port'), '8404');
  });
});
