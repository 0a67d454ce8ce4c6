import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ItemExponentialRateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './work-queue.ts';
import { FakeClock, flushMicrotasks } from './testing/fake-clock.ts';

/** A small deterministic PRNG (mulberry32) so the randomized test is reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('WorkQueue', () => {
  it('hands out keys first in, first out, and de-duplicates waiting keys', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.length, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.length, 0);
  });

  it('never hands a held key to a second worker; a key added while held is re-queued on done()', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    q.add('a');
    const held = await q.get();
    assert.equal(held, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.length, 0, 'a held key is not queued');
    let second: string | undefined = 'unset';
    const waiting = q.get().then((k) => (second = k));
    await flushMicrotasks();
    assert.equal(second, 'unset', 'the second worker is still waiting');
    q.done('a');
    await waiting;
    assert.equal(second, 'a', 'handed out again, once');
    q.done('a');
    assert.equal(q.length, 0);
  });

  it('a blocked get() receives the next added key', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    const got = q.get();
    q.add('x');
    assert.equal(await got, 'x');
  });

  it('addAfter() queues a key only once its delay elapses; the earliest pending delay wins', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    q.addAfter('a', 100);
    q.addAfter('a', 300);
    q.addAfter('b', 200);
    q.addAfter('b', 50);
    q.addAfter('c', 0);
    assert.equal(q.length, 1, 'zero delay queues at once');
    await clock.advance(49);
    assert.equal(q.length, 1);
    await clock.advance(1);
    assert.equal(q.length, 2);
    await clock.advance(50);
    assert.equal(q.length, 3);
    assert.deepEqual([await q.get(), await q.get(), await q.get()], ['c', 'b', 'a']);
    await clock.advance(1000);
    assert.equal(q.length, 0, 'superseded delays do not fire later');
    assert.equal(clock.pendingTimers(), 0);
  });

  it('addRateLimited() backs off per key exponentially, capped, and forget() starts over', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter({ baseMs: 5, maxMs: 40 }) });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const start = clock.now();
      q.addRateLimited('k');
      while (q.length === 0) await clock.advance(1);
      delays.push(clock.now() - start);
      const k = await q.get();
      q.done(k as string);
    }
    assert.deepEqual(delays, [5, 10, 20, 40, 40, 40]);
    assert.equal(q.numRequeues('k'), 6);
    q.forget('k');
    assert.equal(q.numRequeues('k'), 0);
    q.addRateLimited('k');
    await clock.advance(5);
    assert.equal(q.length, 1);
  });

  it('defaults to 5 ms doubling up to 1000 s', () => {
    const rl = new ItemExponentialRateLimiter<string>();
    const delays = Array.from({ length: 40 }, () => rl.when('x'));
    assert.equal(delays[0], 5);
    assert.equal(delays[1], 10);
    assert.equal(delays.at(-1), 1_000_000);
  });

  it('shutDown() releases waiting workers, ignores adds and cancels delays', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    const waiting = q.get();
    q.addAfter('later', 100);
    q.shutDown();
    assert.equal(await waiting, undefined);
    q.add('x');
    assert.equal(await q.get(), undefined);
    await clock.advance(200);
    assert.equal(q.length, 0);
    assert.equal(q.shuttingDown, true);
  });

  it('under random interleavings, no key is processed twice at once and every add is followed by processing', async () => {
    const random = prng(42);
    const q = new WorkQueue<number>({ clock: new FakeClock() });
    const keys = [0, 1, 2, 3];
    /** Keys a simulated worker currently holds. */
    const held = new Set<number>();
    /** Keys added since their last processing started. */
    const owed = new Set<number>();
    const workers: { key: number | undefined }[] = Array.from({ length: 3 }, () => ({ key: undefined }));

    for (let step = 0; step < 2000; step++) {
      const r = random();
      if (r < 0.4) {
        const k = keys[Math.floor(random() * keys.length)] as number;
        q.add(k);
        owed.add(k);
      } else {
        const w = workers[Math.floor(random() * workers.length)] as { key: number | undefined };
        if (w.key === undefined) {
          if (q.length > 0) {
            const k = (await q.get()) as number;
            assert.ok(!held.has(k), `key ${k} handed to two workers at once`);
            held.add(k);
            owed.delete(k);
            w.key = k;
          }
        } else if (w.key !== undefined) {
          held.delete(w.key);
          q.done(w.key);
          w.key = undefined;
        }
      }
    }
    // Drain: finish held keys, then process everything still queued.
    for (const w of workers) if (w.key !== undefined) q.done(w.key);
    while (q.length > 0) {
      const k = (await q.get()) as number;
      owed.delete(k);
      q.done(k);
    }
    assert.deepEqual([...owed], [], 'every added key was processed after its last add');
  });
});
