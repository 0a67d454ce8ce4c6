import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../storage/memory/memory-storage.ts';
import { TooOldRevisionError, WatchCache, type CacheEvent } from './watch-cache.ts';

const enc = new TextEncoder();
const obj = (name: string, v: string) => enc.encode(JSON.stringify({ metadata: { name }, data: { v } }));

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

describe('WatchCache', () => {
  const storage = new MemoryStorage();
  after(() => storage.close());

  it('loads current objects, follows changes and resumes watchers from a revision', async () => {
    await storage.create('/r/a', obj('a', '1'));
    const cache = new WatchCache(storage, { prefix: '/r/' });
    await cache.start();
    assert.deepEqual(cache.list('/r/').map((o) => o.metadata.name), ['a']);
    const start = cache.revision;

    const seen: CacheEvent[] = [];
    const reg = cache.watch(start, { deliver: (e) => seen.push(e), expire: () => assert.fail('not expired'), end: () => {} });
    assert.deepEqual(reg.initial, []);
    const b = await storage.create('/r/b', obj('b', '1'));
    const a = await storage.get('/r/a');
    await storage.update('/r/a', obj('a', '2'), a.kv!.modRevision);
    await storage.delete('/r/b');
    await storage.create('/other/x', obj('x', '1'));
    await until('three events', () => seen.length === 3);
    assert.deepEqual(seen.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED b', 'MODIFIED a', 'DELETED b']);
    assert.equal((seen[1]!.prevObject as unknown as { data: { v: string } }).data.v, '1');
    assert.equal(seen[0]!.object.metadata.resourceVersion, String(b.revision));
    reg.unsubscribe();

    // A late watcher resuming from the first event's revision gets the rest, in order.
    const late = cache.watch(b.revision, { deliver: () => {}, expire: () => {}, end: () => {} });
    assert.deepEqual(late.initial.map((e) => e.type), ['MODIFIED', 'DELETED']);
    late.unsubscribe();
    // A watcher without a revision starts from the current state.
    const fresh = cache.watch(undefined, { deliver: () => {}, expire: () => {}, end: () => {} });
    assert.deepEqual(fresh.initial.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED a']);
    fresh.unsubscribe();
    assert.throws(() => cache.watch(start - 1, { deliver: () => {}, expire: () => {}, end: () => {} }), TooOldRevisionError);
    await cache.stop();
  });

  it('forgets the oldest events past its history size', async () => {
    const cache = new WatchCache(storage, { prefix: '/h/', historySize: 4 });
    await cache.start();
    const first = await storage.create('/h/0', obj('0', '0'));
    for (let i = 1; i < 10; i++) await storage.create(`/h/${i}`, obj(String(i), '0'));
    await until('all events', () => cache.list('/h/').length === 10);
    assert.throws(() => cache.watch(first.revision, { deliver: () => {}, expire: () => {}, end: () => {} }), TooOldRevisionError);
    const recent = cache.watch(cache.revision - 1, { deliver: () => {}, expire: () => {}, end: () => {} });
    assert.equal(recent.initial.length, 1);
    recent.unsubscribe();
    await cache.stop();
  });
});
