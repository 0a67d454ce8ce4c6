import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactedError } from '../errors.ts';
import { storageConformanceSuite } from '../testing/conformance.ts';
import { WatchProbe } from '../testing/watch-probe.ts';
import { MemoryStorage } from './memory-storage.ts';

storageConformanceSuite('MemoryStorage', { open: async () => new MemoryStorage() });

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

void describe('MemoryStorage', () => {
  void it('numbers revisions from 1, one per write, starting from an empty store at 0', async () => {
    const store = new MemoryStorage();
    try {
      assert.equal(await store.currentRevision(), 0);
      assert.equal(await store.compactRevision(), 0);
      const a = await store.create('/a', bytes('a'));
      const b = await store.update('/a', bytes('b'), a.revision);
      const c = await store.delete('/a');
      assert.deepEqual([a.revision, b.revision, c.revision], [1, 2, 3]);
      assert.equal(await store.currentRevision(), 3);
    } finally {
      await store.close();
    }
  });

  void it('a watch whose consumer falls behind catches up from the event log without gaps', async () => {
    const store = new MemoryStorage({ maxQueuedEvents: 5 });
    const probe = new WatchProbe(store, '/s/', 0);
    try {
      await store.create('/s/0', bytes('0'));
      await probe.untilCount(1);
      // 50 events arrive while the consumer reads none: the queue overflows past 5.
      for (let i = 1; i <= 50; i++) await store.create(`/s/${i}`, bytes(String(i)));
      const events = await probe.untilCount(51);
      assert.deepEqual(events.map((e) => e.kv.modRevision), Array.from({ length: 51 }, (_, i) => i + 1));
    } finally {
      await probe.stop();
      await store.close();
    }
  });

  void it('a watch that fell behind ends with CompactedError when compaction removed what it missed', async () => {
    const store = new MemoryStorage({ maxQueuedEvents: 5 });
    const probe = new WatchProbe(store, '/s/', 0);
    try {
      await store.create('/s/0', bytes('0'));
      await probe.untilCount(1);
      for (let i = 1; i <= 50; i++) await store.create(`/s/${i}`, bytes(String(i)));
      await store.compact(await store.currentRevision());
      assert.ok((await probe.ended()) instanceof CompactedError);
    } finally {
      await probe.stop();
      await store.close();
    }
  });

  void it('a live watch that keeps up is not affected by compaction', async () => {
    const store = new MemoryStorage();
    const probe = new WatchProbe(store, '/s/', 0);
    try {
      for (let i = 0; i < 5; i++) await store.create(`/s/${i}`, bytes(String(i)));
      await store.compact(await store.currentRevision());
      await store.create('/s/end', bytes('end'));
      const events = await probe.untilKey('/s/end');
      assert.deepEqual(events.map((e) => e.kv.modRevision), [1, 2, 3, 4, 5, 6]);
    } finally {
      await probe.stop();
      await store.close();
    }
  });

  void it('compaction forgets superseded versions and deleted keys but keeps the latest state', async () => {
    const store = new MemoryStorage();
    try {
      const a = await store.create('/a', bytes('a1'));
      await store.update('/a', bytes('a2'), a.revision);
      await store.create('/b', bytes('b'));
      await store.delete('/b');
      await store.compact(4);
      assert.deepEqual((await store.list('')).kvs.map((kv) => kv.key), ['/a']);
      assert.equal((await store.get('/b', { revision: 4 })).kv, undefined);
      assert.equal(new TextDecoder().decode((await store.get('/a', { revision: 4 })).kv!.value), 'a2');
      const b = await store.create('/b', bytes('b again'));
      assert.equal(b.kv.createRevision, 5);
    } finally {
      await store.close();
    }
  });
});
