/**
 * The external etcd topology end to end: `k8ts up --topology external` (2 control planes, 3 etcd
 * nodes), every apiserver on every etcd member; under a steady write load through the load
 * balancer, the etcd leader's node and then an apiserver are killed with SIGKILL and started
 * again, with no acknowledged write lost and the restarted member caught up.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clientset } from '../../src/client/index.ts';
import { etcdUnavailableReason } from '../../src/cluster/etcd-testing.ts';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';
import { clientOf, clusterDirOf, k8tsOk, kubernetesEndpointIps, memberOf, recordOf, startWriteLoad, statusOf, stopAndVerify, waitHealthy } from '../support/ha-cluster.ts';

describe('HA cluster: external etcd', { skip: etcdUnavailableReason() }, () => {
  const name = `e2e-external-${process.pid}`;
  let cluster: CliCluster;
  let client: Clientset;
  let index: number;

  before(async () => {
    cluster = await startCliCluster(name, ['--topology', 'external', '--control-planes', '2']);
    index = recordOf(cluster).index;
    client = clientOf(cluster);
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  it('runs 3 etcd nodes of their own, every apiserver talking to all of them', async () => {
    assert.match(cluster.up.stderr, /\[2\/4\] etcd: etcd-1, etcd-2, etcd-3 serving; quorum 3\/3 \(can lose 1\)/);
    const record = recordOf(cluster);
    assert.deepEqual(record.nodes?.map((n) => [n.name, n.role, n.address]), [
      ['cp-1', 'control-plane', `127.10.${index}.1`],
      ['cp-2', 'control-plane', `127.10.${index}.2`],
      ['etcd-1', 'etcd', `127.10.${index}.51`],
      ['etcd-2', 'etcd', `127.10.${index}.52`],
      ['etcd-3', 'etcd', `127.10.${index}.53`],
    ]);
    const server = JSON.parse(readFileSync(join(clusterDirOf(cluster), 'run', 'cp-1.server.json'), 'utf8')) as { argv: string[] };
    const servers = server.argv[server.argv.indexOf('--etcd-servers') + 1];
    assert.equal(servers, [51, 52, 53].map((h) => `https://127.10.${index}.${h}:2379`).join(','));
    const { status } = await statusOf(cluster);
    assert.deepEqual(status.nodes.map((n) => [n.name, n.processes]), [
      ['cp-1', ['cp-1.server']],
      ['cp-2', ['cp-2.server']],
      ['etcd-1', ['etcd-1.etcd']],
      ['etcd-2', ['etcd-2.etcd']],
      ['etcd-3', ['etcd-3.etcd']],
    ]);
  });

  it('loses no acknowledged write when the etcd leader and then an apiserver are killed with SIGKILL and started again', async () => {
    const load = startWriteLoad(cluster, 'external');
    try {
      await load.waitForAcks(40, 60_000);
      const leader = (await statusOf(cluster)).status.ha?.etcd?.leader;
      assert.ok(leader !== undefined && leader.startsWith('etcd-'), `the etcd leader is on an etcd node (${leader})`);
      for (const node of [leader, 'cp-1']) {
        const killedAt = performance.now();
        await k8tsOk(cluster, ['node', 'kill', node, '--name', name]);
        await load.waitForAcks(30, 60_000);
        if (node === 'cp-1') {
          await eventually('cp-1 leaves the kubernetes endpoints', async () => ((await kubernetesEndpointIps(client)).join() === `127.10.${index}.2` ? true : undefined), 30_000);
        } else {
          const { status } = await statusOf(cluster);
          assert.equal(status.ha?.etcd?.quorum.text, 'quorum 2/3 (can lose 0)');
          assert.equal(status.healthy, false);
        }
        const before = Math.max(...((await statusOf(cluster)).status.ha?.etcd?.members ?? []).map((m) => m.status?.revision ?? 0));
        await k8tsOk(cluster, ['node', 'start', node, '--name', name]);
        const healthy = await waitHealthy(cluster);
        if (node !== 'cp-1') assert.ok((memberOf(healthy, node)?.status?.revision ?? 0) >= before, `${node} caught up`);
        process.stderr.write(`# killed ${node}: longest write gap ${Math.round(load.longestGap(killedAt, performance.now()))} ms\n`);
      }
      await eventually('both apiservers in the endpoints', async () => ((await kubernetesEndpointIps(client)).length === 2 ? true : undefined), 30_000);
      await load.waitForAcks(20, 30_000);
    } finally {
      const result = await stopAndVerify(load);
      process.stderr.write(`# ${result.acks} acknowledged writes on ${result.objects} objects, none lost\n`);
      load.close();
    }
  });
});
