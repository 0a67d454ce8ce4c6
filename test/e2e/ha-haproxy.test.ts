/**
 * `k8ts up --lb haproxy`: HAProxy in front of a 3-control-plane stacked cluster, its
 * configuration written and the process supervised by `k8ts lb --engine haproxy`. Under a steady
 * write load through HAProxy, a whole control-plane node is killed with SIGKILL (HAProxy takes
 * its backend down) and started again (back up), with no acknowledged write lost; and a killed
 * HAProxy is restarted by its supervisor.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { etcdUnavailableReason } from '../../src/cluster/etcd-testing.ts';
import { findExecutable } from '../../src/cluster/etcd-member.ts';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';
import { clusterDirOf, k8tsOk, memberOf, startWriteLoad, statusOf, stopAndVerify, waitHealthy } from '../support/ha-cluster.ts';

const skip = etcdUnavailableReason() ?? (findExecutable('haproxy') === undefined && findExecutable('/usr/sbin/haproxy') === undefined ? 'haproxy is not installed (Debian: apt-get install haproxy)' : undefined);

/** The PID of the supervised HAProxy master, from its PID file. */
function haproxyPid(cluster: CliCluster): number {
  return Number.parseInt(readFileSync(join(clusterDirOf(cluster), 'lb', 'haproxy.pid'), 'utf8').trim(), 10);
}

describe('HA cluster behind HAProxy', { skip }, () => {
  const name = `e2e-haproxy-${process.pid}`;
  let cluster: CliCluster;

  before(async () => {
    cluster = await startCliCluster(name, ['--control-planes', '3', '--lb', 'haproxy']);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('writes the HAProxy configuration with /readyz checks verified against the cluster CA', async () => {
    assert.match(cluster.up.stderr, /\[4\/4\] load balancer \(haproxy\) at https:\/\/127\.10\.\d+\.250:6443: backends cp-1, cp-2, cp-3 up/);
    const config = readFileSync(join(clusterDirOf(cluster), 'lb', 'haproxy.cfg'), 'utf8');
    assert.match(config, /option httpchk GET \/readyz/);
    assert.match(config, /check check-ssl verify required ca-file \S+\/pki\/ca\.crt/);
    assert.match(config, /^ {2}server cp-3 127\.10\.\d+\.3:6443$/m);
    const text = await k8tsOk(cluster, ['status', '--name', name]);
    assert.match(text, /^load balancer \(haproxy\) at 127\.10\.\d+\.250:6443: 3\/3 backends up$/m);
  });

  it('loses no acknowledged write when a control-plane node is killed with SIGKILL and started again', async () => {
    const load = startWriteLoad(cluster, 'haproxy');
    try {
      await load.waitForAcks(40, 60_000);
      const killedAt = performance.now();
      await k8tsOk(cluster, ['node', 'kill', 'cp-2', '--name', name]);
      await load.waitForAcks(30, 60_000);
      await eventually('HAProxy takes cp-2 down', async () => {
        const backends = (await statusOf(cluster)).status.ha?.loadBalancer.backends;
        return backends?.find((b) => b.name === 'cp-2')?.up === false ? true : undefined;
      }, 20_000);
      const before = Math.max(...((await statusOf(cluster)).status.ha?.etcd?.members ?? []).map((m) => m.status?.revision ?? 0));
      await k8tsOk(cluster, ['node', 'start', 'cp-2', '--name', name]);
      const healthy = await waitHealthy(cluster);
      assert.ok((memberOf(healthy, 'cp-2')?.status?.revision ?? 0) >= before, "cp-2's etcd member caught up");
      assert.equal(healthy.ha?.loadBalancer.backends?.find((b) => b.name === 'cp-2')?.up, true, 'HAProxy has cp-2 back');
      process.stderr.write(`# killed cp-2 behind haproxy: longest write gap ${Math.round(load.longestGap(killedAt, performance.now()))} ms\n`);
      await load.waitForAcks(20, 30_000);
    } finally {
      const result = await stopAndVerify(load);
      process.stderr.write(`# ${result.acks} acknowledged writes on ${result.objects} objects, none lost\n`);
      load.close();
    }
  });

  it('restarts HAProxy when it dies', async () => {
    const before = haproxyPid(cluster);
    process.kill(before, 'SIGKILL');
    const after = await eventually('a new HAProxy', async () => {
      try {
        const pid = haproxyPid(cluster);
        return pid !== before ? pid : undefined;
      } catch {
        return undefined;
      }
    }, 20_000);
    assert.notEqual(after, before);
    await waitHealthy(cluster);
    const readyz = await cluster.kubectl(['get', '--raw', '/readyz']);
    assert.equal(readyz.stdout.trim(), 'ok', readyz.stderr);
  });
});
