/**
 * `k8ts controller-manager` as a process of its own against a `k8ts up` cluster: a second
 * instance contending for the lease the cluster's own controller manager holds stays on
 * standby; one with its own lease leads, acts, and on SIGTERM (by PID) releases the lease and
 * exits 0.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { leaseType } from '../../src/api/coordination/v1/lease.ts';
import { Clientset } from '../../src/client/index.ts';
import { eventually, startCliCluster, type CliCluster } from '../support/cli-cluster.ts';

const K8TS = join(resolve(import.meta.dirname, '..', '..'), 'bin', 'k8ts.js');

describe('k8ts controller-manager', () => {
  let cluster: CliCluster;
  let client: Clientset;
  let kubeconfig: string;
  const children: ChildProcess[] = [];

  before(async () => {
    cluster = await startCliCluster(`e2e-cm-${process.pid}`);
    kubeconfig = join(cluster.env.K8TS_HOME!, cluster.name, 'kubeconfig');
    client = await Clientset.fromKubeconfig(kubeconfig);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    client?.close();
    await cluster?.stop();
  });

  function start(args: string[]): { child: ChildProcess; log: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, [K8TS, 'controller-manager', '--kubeconfig', kubeconfig, ...args], { env: cluster.env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    return { child, log: () => log, exited };
  }

  const holder = async (name: string): Promise<string | undefined> => {
    const lease = await client
      .resource(leaseType)
      .get(name, { namespace: 'kube-system' })
      .catch((): undefined => undefined);
    return lease?.spec?.holderIdentity;
  };

  it('stays on standby while the cluster controller manager holds the lease', async () => {
    const serverHolder = await eventually('the cluster controller manager to lead', () => holder('kube-controller-manager'));
    const standby = start([]);
    await eventually('it to start contending', async () => (standby.log().includes('starting the controller manager') ? true : undefined));
    assert.equal(await holder('kube-controller-manager'), serverHolder, 'the lease stays with the running leader');
    assert.doesNotMatch(standby.log(), /became leader/);
    standby.child.kill('SIGTERM');
    assert.equal(await standby.exited, 0, standby.log());
  });

  it('leads with its own lease, acts, and releases the lease on SIGTERM', async () => {
    const own = start(['--leader-elect-resource-name', 'e2e-cm', '--controllers', 'serviceaccount', '--node-monitor-grace-period', '5s']);
    const identity = await eventually('it to lead', async () => {
      const h = await holder('e2e-cm');
      return h !== undefined && h !== '' ? h : undefined;
    });
    assert.match(identity, /_[0-9a-f-]{36}$/);
    await eventually('the controller to start', async () => (own.log().includes('"controller":"serviceaccount-controller"') ? true : undefined));
    own.child.kill('SIGTERM');
    assert.equal(await own.exited, 0, own.log());
    assert.equal(await holder('e2e-cm'), '', 'the lease was released');
    assert.match(own.log(), /received SIGTERM; shutting down/);
  });
});
