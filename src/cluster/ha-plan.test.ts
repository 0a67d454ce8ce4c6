import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeLayout, layoutMismatch, layoutOf, LayoutError, planHaRecord, resolveLayout } from './ha-plan.ts';

describe('resolveLayout', () => {
  it('keeps the single node by default, and means stacked for more control planes, external for an etcd member count', () => {
    assert.deepEqual(resolveLayout({}), { topology: 'single', controlPlanes: 1, etcdMembers: 0, force: false, workers: 0, workerRuntime: 'process' });
    assert.deepEqual(resolveLayout({ controlPlanes: 3 }), { topology: 'stacked', controlPlanes: 3, etcdMembers: 3, lb: 'builtin', force: false, workers: 0, workerRuntime: 'process' });
    assert.deepEqual(resolveLayout({ etcdMembers: 5 }), { topology: 'external', controlPlanes: 1, etcdMembers: 5, lb: 'builtin', force: false, workers: 0, workerRuntime: 'process' });
    assert.deepEqual(resolveLayout({ topology: 'external' }), { topology: 'external', controlPlanes: 1, etcdMembers: 3, lb: 'builtin', force: false, workers: 0, workerRuntime: 'process' });
    assert.equal(resolveLayout({ controlPlanes: 3, lb: 'haproxy' }).lb, 'haproxy');
  });

  it('refuses an even etcd member count unless forced, naming the flag', () => {
    assert.throws(() => resolveLayout({ controlPlanes: 2 }), /^LayoutError: --control-planes 2 makes an even etcd member count: 2 members need 2 for a quorum, so they survive 0 failed member\(s\), no more than 1 members would; use 1 or 3, or pass --force$/);
    assert.throws(() => resolveLayout({ topology: 'external', etcdMembers: 4 }), /--etcd-members 4 makes an even etcd member count/);
    assert.equal(resolveLayout({ controlPlanes: 2, force: true }).etcdMembers, 2);
    assert.equal(resolveLayout({ topology: 'external', controlPlanes: 2 }).etcdMembers, 3, 'external: the control planes hold no members');
  });

  it('refuses contradictions, naming the flag at fault', () => {
    const cases: Array<[Parameters<typeof resolveLayout>[0], RegExp]> = [
      [{ topology: 'single', controlPlanes: 3 }, /--topology single has one control plane/],
      [{ topology: 'single', lb: 'haproxy' }, /--lb needs an HA topology/],
      [{ topology: 'single', etcdMembers: 3 }, /--etcd-members needs --topology external/],
      [{ topology: 'stacked', etcdMembers: 3 }, /--etcd-members is for --topology external/],
      [{ controlPlanes: 50 }, /--control-planes must be 1-49/],
      [{ workers: 150 }, /--workers must be 0-149/],
      [{ workerRuntime: 'sim' }, /--runtime is the runtime of the worker nodes: give --workers N too/],
    ];
    for (const [request, pattern] of cases) assert.throws(() => resolveLayout(request), (err: unknown) => err instanceof LayoutError && pattern.test(err.message));
  });
});

describe('planHaRecord', () => {
  it('numbers control planes from .1, etcd nodes from .51, and puts the load balancer on .250', () => {
    const record = planHaRecord('dev', 7, resolveLayout({ topology: 'external', controlPlanes: 2 }), new Date(0));
    assert.deepEqual(record.nodes?.map((n) => [n.name, n.role, n.address]), [
      ['cp-1', 'control-plane', '127.10.7.1'],
      ['cp-2', 'control-plane', '127.10.7.2'],
      ['etcd-1', 'etcd', '127.10.7.51'],
      ['etcd-2', 'etcd', '127.10.7.52'],
      ['etcd-3', 'etcd', '127.10.7.53'],
    ]);
    assert.deepEqual(record.apiServer, { address: '127.10.7.250', port: 6443 });
    assert.deepEqual(record.loadBalancer, { kind: 'builtin', address: '127.10.7.250', port: 6443, statusPort: 8404 });
    assert.deepEqual(layoutOf(record), { topology: 'external', controlPlanes: 2, etcdMembers: 3, lb: 'builtin', force: false, workers: 0, workerRuntime: 'process' });
    assert.equal(describeLayout(layoutOf(record)), '2 control planes, external etcd (3 members), load balancer builtin');
  });
});

describe('workers', () => {
  it('numbers workers from .101 after the control planes, and records a runtime other than process', () => {
    const record = planHaRecord('dev', 7, resolveLayout({ controlPlanes: 3, workers: 2, workerRuntime: 'sim' }), new Date(0));
    assert.deepEqual(record.nodes?.filter((n) => n.role === 'worker').map((n) => [n.name, n.address]), [
      ['worker-1', '127.10.7.101'],
      ['worker-2', '127.10.7.102'],
    ]);
    assert.equal(record.workerRuntime, 'sim');
    assert.deepEqual(layoutOf(record), { topology: 'stacked', controlPlanes: 3, etcdMembers: 3, lb: 'builtin', force: false, workers: 2, workerRuntime: 'sim' });
    assert.equal(describeLayout(layoutOf(record)), '3 control planes, stacked etcd, load balancer builtin, 2 workers (simulated)');
    assert.equal(describeLayout(resolveLayout({ workers: 1 })), 'single node control plane, 1 worker');
  });

  it('takes a workers flag on an existing cluster as a request to compare, the rest as it is', () => {
    const existing = resolveLayout({ controlPlanes: 3, workers: 2 });
    assert.equal(layoutMismatch({}, existing), undefined);
    assert.equal(layoutMismatch({ workers: 2 }, existing), undefined);
    assert.equal(layoutMismatch({ controlPlanes: 3 }, existing), undefined);
    assert.match(layoutMismatch({ workers: 3 }, existing) ?? '', /not 3 control planes, stacked etcd, load balancer builtin, 3 workers$/);
    assert.match(layoutMismatch({ workers: 2, workerRuntime: 'sim' }, existing) ?? '', /2 workers \(simulated\)$/);
  });
});

describe('layoutMismatch', () => {
  it('accepts no flags or the same layout, and names the difference otherwise', () => {
    const existing = resolveLayout({ controlPlanes: 3 });
    assert.equal(layoutMismatch({}, existing), undefined);
    assert.equal(layoutMismatch({ controlPlanes: 3 }, existing), undefined);
    assert.equal(layoutMismatch({ controlPlanes: 5 }, existing), 'it exists as 3 control planes, stacked etcd, load balancer builtin, not 5 control planes, stacked etcd, load balancer builtin');
    assert.match(layoutMismatch({ topology: 'single' }, existing) ?? '', /not single node/);
  });
});
