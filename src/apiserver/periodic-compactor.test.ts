import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../storage/memory/memory-storage.ts';
import { CompactedError } from '../storage/errors.ts';
import { PeriodicCompactor } from './periodic-compactor.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('PeriodicCompactor', () => {
  it('compacts to the revision of the previous tick, keeping one interval of history', async () => {
    const storage = new MemoryStorage();
    const logs: string[] = [];
    const compactor = new PeriodicCompactor(storage, (m) => logs.push(m));
    const { revision: first } = await storage.create('/registry/a', bytes('1'));
    await compactor.tick();
    assert.equal(await storage.compactRevision(), 0, 'the first tick only remembers the current revision');
    const { revision: second } = await storage.update('/registry/a', bytes('2'), first);
    await compactor.tick();
    assert.equal(await storage.compactRevision(), first);
    assert.equal((await storage.get('/registry/a', { revision: second })).kv?.modRevision, second, 'history since the previous tick is kept');
    await compactor.tick();
    assert.equal(await storage.compactRevision(), second);
    await assert.rejects(storage.get('/registry/a', { revision: first }), CompactedError);
    assert.deepEqual(logs, []);
    await storage.close();
  });

  it('logs a failure and goes on at the next tick', async () => {
    const storage = new MemoryStorage();
    const logs: string[] = [];
    const compactor = new PeriodicCompactor(storage, (m) => logs.push(m));
    await storage.close();
    await compactor.tick();
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /^compaction failed \(retried in one interval\): /);
  });
});
