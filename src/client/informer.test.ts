import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/meta/types.ts';
import { ApiError, ConnectionError } from './errors.ts';
import { Informer, isTombstone } from './informer.ts';
import type { DeletedFinalStateUnknown } from './informer.ts';
import { FakeClock, flushMicrotasks } from './testing/fake-clock.ts';
import { FakeListerWatcher, listOf } from './testing/fake-lister-watcher.ts';

function cm(name: string, rv: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'ns', name, resourceVersion: rv }, data };
}

const gone = (): ApiError =>
  new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' });

/** Records handler calls as short strings. */
function recorder(informer: Informer<KubeObject>): string[] {
  const log: string[] = [];
  informer.addEventHandler({
    onAdd: (o, initial) => log.push(`add ${o.metadata.name}${initial ? ' (initial)' : ''}`),
    onUpdate: (a, b) => log.push(`update ${a.metadata.name} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o: KubeObject | DeletedFinalStateUnknown<KubeObject>) =>
      log.push(isTombstone(o) ? `tombstone ${o.key} rv=${o.obj.metadata.resourceVersion}` : `delete ${o.metadata.name}`),
  });
  return log;
}

async function setup(initial: KubeObject[] = [cm('a', '5')]) {
  const clock = new FakeClock();
  const lw = new FakeListerWatcher<KubeObject>();
  lw.listResults = [listOf('10', initial)];
  const informer = new Informer<KubeObject>({ listerWatcher: lw, clock, backoff: { initialMs: 100, maxMs: 1000, jitter: 0 } });
  const log = recorder(informer);
  const ac = new AbortController();
  const done = informer.run(ac.signal);
  await lw.waitForWatches(1);
  return {
    clock,
    lw,
    informer,
    log,
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

describe('Informer', () => {
  it('lists, reports the initial objects, syncs, and watches from the list resourceVersion', async () => {
    const t = await setup([cm('a', '5'), cm('b', '6')]);
    try {
      assert.deepEqual(t.log, ['add a (initial)', 'add b (initial)']);
      assert.equal(t.informer.hasSynced(), true);
      assert.equal(await t.informer.waitForSync(new AbortController().signal), true);
      assert.equal(t.lw.lastWatch.resourceVersion, '10');
      assert.ok(t.lw.lastWatch.timeoutSeconds >= 300 && t.lw.lastWatch.timeoutSeconds < 600);
      assert.equal(t.informer.store.get('ns/a')?.metadata.resourceVersion, '5');
    } finally {
      await t.stop();
    }
  });

  it('applies watch events to the store before calling handlers, and bookmarks only move the version', async () => {
    const t = await setup();
    try {
      const seenInStore: (string | undefined)[] = [];
      t.informer.addEventHandler({ onUpdate: (_a, b) => seenInStore.push(t.informer.store.get('ns/a')?.metadata.resourceVersion ?? b.metadata.name) });
      const w = t.lw.lastWatch;
      w.push({ type: 'ADDED', object: cm('c', '11') });
      w.push({ type: 'MODIFIED', object: cm('a', '12') });
      w.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } });
      w.push({ type: 'DELETED', object: cm('c', '16') });
      await flushMicrotasks();
      assert.deepEqual(t.log.slice(1), ['add c', 'update a 5->12', 'delete c']);
      assert.deepEqual(seenInStore, ['12']);
      assert.equal(t.informer.lastSyncResourceVersion, '16');
      assert.deepEqual(t.informer.store.keys(), ['ns/a']);
      assert.ok(Object.isFrozen(t.informer.store.get('ns/a')?.metadata), 'cached objects are frozen');
    } finally {
      await t.stop();
    }
  });

  it('re-watches from the last resourceVersion when the stream ends, without relisting', async () => {
    const t = await setup();
    try {
      t.lw.lastWatch.push({ type: 'MODIFIED', object: cm('a', '20') });
      t.lw.lastWatch.end();
      await t.lw.waitForWatches(2);
      assert.equal(t.lw.lastWatch.resourceVersion, '20');
      assert.equal(t.lw.listCalls, 1);
    } finally {
      await t.stop();
    }
  });

  it('relists on a 410 ERROR event and reports what changed meanwhile, with tombstones for vanished objects', async () => {
    const t = await setup([cm('a', '5'), cm('b', '6')]);
    try {
      t.lw.listResults = [listOf('30', [cm('a', '25'), cm('b', '6'), cm('d', '28')])];
      t.lw.lastWatch.push({ type: 'ERROR', object: gone().status });
      await t.lw.waitForWatches(2);
      assert.equal(t.lw.listCalls, 2);
      assert.equal(t.lw.lastWatch.resourceVersion, '30');
      t.lw.listResults = [listOf('40', [cm('d', '28')])];
      t.lw.watchErrors = [gone()]; // the next watch answers HTTP 410
      t.lw.lastWatch.end();
      await t.clock.advance(100); // an empty watch that ended at once is followed by a backoff
      await t.lw.waitForWatches(3);
      assert.equal(t.lw.listCalls, 3);
      assert.deepEqual(t.log.slice(2), ['update a 5->25', 'add d', 'tombstone ns/a rv=25', 'tombstone ns/b rv=6']);
    } finally {
      await t.stop();
    }
  });

  it('backs off exponentially after watch failures, then resumes from the same resourceVersion', async () => {
    const t = await setup();
    try {
      t.lw.watchErrors = [new Error('refused'), new Error('refused')];
      t.lw.lastWatch.fail(new ConnectionError('reset', 'x', undefined));
      await flushMicrotasks();
      assert.equal(t.lw.watchAttempts.length, 1, 'no retry before the backoff elapses');
      await t.clock.advance(99);
      assert.equal(t.lw.watchAttempts.length, 1);
      await t.clock.advance(1); // 100 ms: retry 1 fails
      assert.equal(t.lw.watchAttempts.length, 2);
      await t.clock.advance(199);
      assert.equal(t.lw.watchAttempts.length, 2);
      await t.clock.advance(1); // 200 ms more: retry 2 fails
      assert.equal(t.lw.watchAttempts.length, 3);
      await t.clock.advance(400); // retry 3 opens
      await t.lw.waitForWatches(2);
      assert.deepEqual(t.lw.watchAttempts, ['10', '10', '10', '10']);
      assert.equal(t.lw.listCalls, 1);
    } finally {
      await t.stop();
    }
  });

  it('backs off when a watch ends at once with no events instead of spinning', async () => {
    const t = await setup();
    try {
      t.lw.lastWatch.end();
      await flushMicrotasks();
      await flushMicrotasks();
      assert.equal(t.lw.watches.length, 1);
      await t.clock.advance(100);
      await t.lw.waitForWatches(2);
    } finally {
      await t.stop();
    }
  });

  it('retries a failed first list with backoff and syncs when it succeeds', async () => {
    const clock = new FakeClock();
    const lw = new FakeListerWatcher<KubeObject>();
    lw.listResults = [new Error('unavailable'), listOf('3', [cm('a', '2')])];
    const informer = new Informer<KubeObject>({ listerWatcher: lw, clock, backoff: { initialMs: 50, jitter: 0 } });
    const ac = new AbortController();
    const done = informer.run(ac.signal);
    try {
      await flushMicrotasks();
      assert.equal(informer.hasSynced(), false);
      const synced = informer.waitForSync(ac.signal);
      await clock.advance(50);
      assert.equal(await synced, true);
      assert.equal(lw.listCalls, 2);
    } finally {
      ac.abort();
      await done;
    }
  });

  it('replays cached objects to a handler added after sync', async () => {
    const t = await setup([cm('a', '5'), cm('b', '6')]);
    try {
      const late: string[] = [];
      const remove = t.informer.addEventHandler({ onAdd: (o, initial) => late.push(`${o.metadata.name}:${initial}`) });
      assert.deepEqual(late.sort(), ['a:true', 'b:true']);
      remove();
      t.lw.lastWatch.push({ type: 'ADDED', object: cm('z', '11') });
      await flushMicrotasks();
      assert.equal(late.length, 2, 'removed handlers are not called');
    } finally {
      await t.stop();
    }
  });

  it('keeps calling other handlers when one throws', async () => {
    const t = await setup([]);
    try {
      t.informer.addEventHandler({
        onAdd: () => {
          throw new Error('bad handler');
        },
      });
      const after: string[] = [];
      t.informer.addEventHandler({ onAdd: (o) => after.push(o.metadata.name ?? '') });
      t.lw.lastWatch.push({ type: 'ADDED', object: cm('x', '11') });
      await flushMicrotasks();
      assert.deepEqual(after, ['x']);
    } finally {
      await t.stop();
    }
  });

  it('waitForSync() resolves false when aborted before the first list', async () => {
    const lw = new FakeListerWatcher<KubeObject>();
    lw.listResults = [new Error('down')];
    const informer = new Informer<KubeObject>({ listerWatcher: lw, clock: new FakeClock() });
    const ac = new AbortController();
    const done = informer.run(ac.signal);
    const waited = informer.waitForSync(ac.signal);
    ac.abort();
    assert.equal(await waited, false);
    await done;
  });
});
