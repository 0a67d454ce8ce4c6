/**
 * A 3-control-plane stacked cluster booted with `k8ts up --control-planes 3`, end to end: the
 * steps and gates of `up`, `k8ts status`, the `kubernetes` Service and its endpoints, kill -9 of
 * each control-plane node in turn (the etcd leader's first) under a steady write load through
 * the load balancer with no acknowledged write lost, a clean stop, adding and removing control
 * planes, down and up with the data kept, and an etcd snapshot restored into a new cluster.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configMapType } from '../../src/api/core/v1/configmap.ts';
import { serviceType } from '../../src/api/core/v1/service.ts';
import { endpointSliceType } from '../../src/api/discovery/v1/endpoint-slice.ts';
import { leaseType } from '../../src/api/coordination/v1/lease.ts';
import type { Clientset } from '../../src/client/index.ts';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';
import { clientOf, clusterDirOf, k8tsOk, kubernetesEndpointIps, memberOf, recordOf, startWriteLoad, statusOf, stopAndVerify, urlOf, waitHealthy } from '../support/ha-cluster.ts';
import { etcdUnavailableReason } from '../../src/cluster/etcd-testing.ts';
import { clusterNodes } from '../../src/cluster/cluster-record.ts';

const skip = etcdUnavailableReason();

describe('HA cluster: stacked etcd, 3 control planes', { skip }, () => {
  const name = `e2e-stacked-${process.pid}`;
  const restored = `e2e-restored-${process.pid}`;
  let cluster: CliCluster;
  let client: Clientset;
  let index: number;
  const ip = (host: number): string => `127.10.${index}.${host}`;

  before(async () => {
    cluster = await startCliCluster(name, ['--control-planes', '3']);
    index = recordOf(cluster).index;
    client = clientOf(cluster);
  });
  after(async () => {
    client?.close();
    if (cluster === undefined) return;
    await cluster.k8ts(['down', '--name', restored, '--delete']);
    await cluster.stop();
  });

  it('k8ts up shows each step with its health gate and the time, and the kubeconfig points at the load balancer', async () => {
    const { stdout, stderr } = cluster.up;
    assert.match(stdout, new RegExp(`^Cluster "${name}" is up at https://127\\.10\\.${index}\\.250:6443 \\(created in \\d+\\.\\d+s\\)\\.$`, 'm'));
    for (const step of [/\[1\/4\] certificates: .*\(\d+\.\d+s\)$/m, /\[2\/4\] etcd: cp-1, cp-2, cp-3 serving; quorum 3\/3 \(can lose 1\) \(\d+\.\d+s\)$/m, /\[3\/4\] apiservers: .*ready \(\d+\.\d+s\)$/m, /\[4\/4\] load balancer \(builtin\) at https:\/\/127\.10\.\d+\.250:6443: backends cp-1, cp-2, cp-3 up, \/readyz passes \(\d+\.\d+s\)$/m]) {
      assert.match(stderr, step);
    }
    const record = recordOf(cluster);
    assert.equal(record.topology, 'stacked');
    assert.deepEqual(record.nodes?.map((n) => [n.name, n.role, n.address]), [1, 2, 3].map((n) => [`cp-${n}`, 'control-plane', ip(n)]));
    const kubeconfig = parse(readFileSync(join(clusterDirOf(cluster), 'kubeconfig'), 'utf8')) as { clusters: Array<{ cluster: { server: string } }> };
    assert.equal(kubeconfig.clusters[0]?.cluster.server, `https://${ip(250)}:6443`);
    const readyz = await cluster.kubectl(['get', '--raw', '/readyz']);
    assert.equal(readyz.stdout.trim(), 'ok', readyz.stderr);
  });

  it('k8ts status shows the nodes, the etcd members with the leader and a full quorum, the backends and the lease holders', async () => {
    const text = await k8tsOk(cluster, ['status', '--name', name]);
    assert.match(text, /^etcd: quorum 3\/3 \(can lose 1\), leader cp-[123]$/m);
    assert.match(text, /^load balancer \(builtin\) at 127\.10\.\d+\.250:6443: 3\/3 backends up$/m);
    assert.match(text, /^cp-2\s+control-plane\s+127\.10\.\d+\.2\s+yes\s+cp-2\.etcd, cp-2\.server$/m);
    const { code, status } = await statusOf(cluster);
    assert.equal(code, 0);
    assert.equal(status.healthy, true);
    const etcd = status.ha?.etcd;
    assert.ok(etcd?.leader !== undefined);
    assert.equal(etcd.members.length, 3);
    for (const m of etcd.members) assert.ok((m.status?.revision ?? 0) > 0, `${m.node} reports its revision`);
    assert.deepEqual(status.ha?.loadBalancer.backends?.map((b) => [b.name, b.up]), [['cp-1', true], ['cp-2', true], ['cp-3', true]]);
    const leases = await eventually('every lease held', async () => {
      const { status: s } = await statusOf(cluster);
      const l = s.ha?.leases ?? [];
      return l.filter((x) => x.apiserver && x.live).length === 3 && l.some((x) => x.name === 'kube-controller-manager' && x.live) ? l : undefined;
    });
    assert.match(leases.find((l) => l.name === 'kube-controller-manager')?.node ?? '', /^cp-[123]$/);
  });

  it('has the kubernetes Service on the first ClusterIP, with every apiserver in its Endpoints and EndpointSlice', async () => {
    const svc = await client.resource(serviceType).get('kubernetes', { namespace: 'default' });
    const spec = svc.spec as { clusterIP: string; ports: Array<{ name: string; port: number; targetPort: number }> };
    assert.equal(spec.clusterIP, `127.11.${index}.1`);
    assert.deepEqual(spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['https', 443, 6443]]);
    assert.deepEqual(await eventually('3 endpoints', async () => ((await kubernetesEndpointIps(client)).length === 3 ? kubernetesEndpointIps(client) : undefined)), [ip(1), ip(2), ip(3)]);
    const slice = await client.resource(endpointSliceType).get('kubernetes', { namespace: 'default' });
    assert.deepEqual((slice.endpoints as Array<{ addresses: string[] }>).map((e) => e.addresses[0]).sort(), [ip(1), ip(2), ip(3)]);
    const leases = await client.resource(leaseType).list({ namespace: 'kube-system', labelSelector: 'apiserver.kubernetes.io/identity=kube-apiserver' });
    assert.equal(leases.items.length, 3);
  });

  it('accepts a service account token on every apiserver, whichever one issued it', async () => {
    const token = await eventually('a token of the default service account', async () => {
      const issued = await cluster.kubectl(['create', 'token', 'default']);
      return issued.code === 0 ? issued.stdout.trim() : undefined;
    });
    for (const node of clusterNodes(recordOf(cluster)).filter((n) => n.role === 'control-plane')) {
      const r = await cluster.kubectl(['--server', `https://${node.address}:6443`, '--token', token, 'auth', 'whoami']);
      assert.equal(r.code, 0, `${node.name}: ${r.stderr}`);
      assert.match(r.stdout, /^Username\s+system:serviceaccount:default:default$/m, node.name);
    }
  });

  it('loses no acknowledged write when each control-plane node in turn (the etcd leader first) is killed with SIGKILL and started again', async () => {
    const load = startWriteLoad(cluster, 'chaos');
    try {
      await load.waitForAcks(40, 60_000);
      const { status } = await statusOf(cluster);
      const leader = status.ha?.etcd?.leader;
      assert.ok(leader !== undefined, 'etcd has a leader');
      const order = [leader, ...['cp-1', 'cp-2', 'cp-3'].filter((n) => n !== leader)];
      for (const node of order) {
        const killedAt = performance.now();
        const kill = await k8tsOk(cluster, ['node', 'kill', node, '--name', name]);
        assert.match(kill, new RegExp(`${node.replace('-', '\\-')}\\.etcd \\(pid \\d+\\) killed \\(SIGKILL\\)`));
        assert.match(kill, new RegExp(`${node.replace('-', '\\-')}\\.server \\(pid \\d+\\) killed \\(SIGKILL\\)`));
        await load.waitForAcks(30, 60_000);
        const gone = await eventually(`${node} leaves the kubernetes endpoints`, async () => {
          const ips = await kubernetesEndpointIps(client).catch(() => undefined);
          return ips !== undefined && !ips.includes(ip(Number(node.slice(3)))) ? ips : undefined;
        }, 30_000);
        assert.equal(gone.length, 2);
        const before = Math.max(...((await statusOf(cluster)).status.ha?.etcd?.members ?? []).map((m) => m.status?.revision ?? 0));
        await k8tsOk(cluster, ['node', 'start', node, '--name', name]);
        const healthy = await waitHealthy(cluster);
        assert.ok((memberOf(healthy, node)?.status?.revision ?? 0) >= before, `${node}'s etcd member caught up (revision ${memberOf(healthy, node)?.status?.revision} ≥ ${before})`);
        await eventually(`${node} back in the kubernetes endpoints`, async () => ((await kubernetesEndpointIps(client)).length === 3 ? true : undefined), 30_000);
        process.stderr.write(`# killed ${node}: longest write gap ${Math.round(load.longestGap(killedAt, performance.now()))} ms\n`);
      }
      await load.waitForAcks(20, 30_000);
    } finally {
      const result = await stopAndVerify(load);
      process.stderr.write(`# ${result.acks} acknowledged writes on ${result.objects} objects, none lost; failed attempts: ${JSON.stringify(Object.fromEntries(load.errors))}\n`);
      load.close();
    }
    assert.equal((await statusOf(cluster)).status.healthy, true);
  });

  it('takes a stopping apiserver out of the kubernetes endpoints at once, and back when it starts', async () => {
    await k8tsOk(cluster, ['node', 'stop', 'cp-2', '--name', name]);
    const ips = await kubernetesEndpointIps(client);
    assert.deepEqual(ips, [ip(1), ip(3)], 'cp-2 removed itself before it exited');
    const { code, status } = await statusOf(cluster);
    assert.equal(code, 1, 'a stopped node makes the cluster unhealthy');
    assert.equal(status.nodes.find((n) => n.name === 'cp-2')?.healthy, false);
    assert.equal(status.ha?.etcd?.quorum.text, 'quorum 2/3 (can lose 0)');
    await k8tsOk(cluster, ['node', 'start', 'cp-2', '--name', name]);
    await eventually('cp-2 back in the endpoints', async () => ((await kubernetesEndpointIps(client)).includes(ip(2)) ? true : undefined), 30_000);
    await waitHealthy(cluster);
  });

  it('adds a control plane with a new etcd member (an even count only with --force) and removes one with its member', async () => {
    const refused = await cluster.k8ts(['node', 'add', '--role', 'control-plane', '--name', name]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /leaves 4 etcd members, an even count.*--force/);
    assert.match(await k8tsOk(cluster, ['node', 'add', '--role', 'control-plane', '--force', '--name', name]), /Node "cp-4" \(127\.10\.\d+\.4\) joined cluster/);
    let status = await waitHealthy(cluster);
    assert.equal(status.ha?.etcd?.quorum.text, 'quorum 4/4 (can lose 1)');
    assert.equal(status.ha?.etcd?.membership?.length, 4);
    await eventually('4 endpoints', async () => ((await kubernetesEndpointIps(client)).length === 4 ? true : undefined), 30_000);

    await k8tsOk(cluster, ['node', 'remove', 'cp-1', '--name', name]);
    status = await waitHealthy(cluster);
    assert.deepEqual(status.ha?.etcd?.membership?.map((m) => m.name).sort(), ['cp-2', 'cp-3', 'cp-4']);
    assert.equal(status.ha?.etcd?.quorum.text, 'quorum 3/3 (can lose 1)');
    assert.deepEqual(status.ha?.loadBalancer.backends?.map((b) => b.name), ['cp-2', 'cp-3', 'cp-4']);
    assert.deepEqual(recordOf(cluster).nodes?.map((n) => n.name), ['cp-2', 'cp-3', 'cp-4']);
    assert.equal(existsSync(join(clusterDirOf(cluster), 'etcd', 'members', 'cp-1')), false, "the removed member's data is deleted");
    assert.deepEqual(await kubernetesEndpointIps(client), [ip(2), ip(3), ip(4)]);
  });

  it('keeps its state across down and up', async () => {
    await client.resource(configMapType).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survivor', namespace: 'default' }, data: { kept: 'yes' } });
    assert.match(await k8tsOk(cluster, ['down', '--name', name]), /stopped; its data is kept/);
    const stopped = await cluster.k8ts(['status', '--name', name]);
    assert.equal(stopped.code, 1);
    assert.match(stopped.stdout, /, stopped$/m);
    const up = await k8tsOk(cluster, ['up', '--name', name]);
    assert.match(up, new RegExp(`is up at ${urlOf(cluster).replace(/\./g, '\\.')} \\(restarted in \\d+\\.\\d+s\\)`));
    const again = await k8tsOk(cluster, ['up', '--name', name]);
    assert.match(again, /is already running at .* \(7 processes\)/);
    const cm = await client.resource(configMapType).get('survivor', { namespace: 'default' });
    assert.equal((cm.data as Record<string, string>).kept, 'yes');
    await waitHealthy(cluster);
  });

  it('saves an etcd snapshot that restores into a new cluster', async () => {
    await client.resource(configMapType).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'in-snapshot', namespace: 'default' }, data: { from: name } });
    const file = join(cluster.home, 'snapshot.db');
    assert.match(await k8tsOk(cluster, ['etcd', 'snapshot', 'save', file, '--name', name]), /Snapshot of cluster .* saved to .* \(from etcd member cp-\d, revision \d+ or later\)/);
    const out = await k8tsOk(cluster, ['etcd', 'snapshot', 'restore', file, '--name', restored, '--control-planes', '1', '--no-merge-kubeconfig']);
    assert.match(out, new RegExp(`Cluster "${restored}" restored from .* and up at https://127\\.10\\.\\d+\\.250:6443`));
    const other = clientOf(cluster, restored);
    try {
      const cm = await other.resource(configMapType).get('in-snapshot', { namespace: 'default' });
      assert.equal((cm.data as Record<string, string>).from, name);
      const r = recordOf(cluster, restored);
      await eventually('the restored cluster lists its own apiserver', async () => {
        const ips = await kubernetesEndpointIps(other);
        return ips.length === 1 && ips[0] === r.nodes?.[0]?.address ? true : undefined;
      }, 30_000);
      const svc = await other.resource(serviceType).get('kubernetes', { namespace: 'default' });
      assert.equal((svc.spec as { clusterIP: string }).clusterIP, `127.11.${r.index}.1`, 'the kubernetes Service moved to the new range');
    } finally {
      other.close();
    }
    const exists = await cluster.k8ts(['etcd', 'snapshot', 'restore', file, '--name', restored]);
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /exists; a snapshot restores into a new cluster/);
  });
});
