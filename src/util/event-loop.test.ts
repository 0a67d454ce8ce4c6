import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { timeSlicer } from './event-loop.ts';

/** A clock that moves only when told: each item of work "costs" what the test says. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/**
 * Runs `workers` loops of `items` items each, every item costing `itemMs` on the clock, and
 * returns how many items ran between consecutive turns of the event loop (seen by a callback
 * that re-arms itself with `setImmediate`; timers due get their turn in each of them).
 */
async function itemsBetweenTurns(workers: number, items: number, itemMs: number): Promise<number[]> {
  const clock = manualClock();
  const slice = timeSlicer(clock.now, 10);
  let done = 0;
  let sinceTurn = 0;
  const counts: number[] = [];
  let running = true;
  const tick = (): void => {
    counts.push(sinceTurn);
    sinceTurn = 0;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = 0; i < items; i++) {
        await slice();
        clock.advance(itemMs);
        done++;
        sinceTurn++;
      }
    }),
  );
  running = false;
  assert.equal(done, workers * items);
  return counts;
}

describe('timeSlicer()', () => {
  it('lets the event loop turn after every slice of work, however many loops share the slicer', async () => {
    // 10 ms slices: one loop of 5 ms items runs 2 (and the one that crosses the slice's end).
    for (const [workers, itemMs] of [[1, 5], [5, 5], [20, 5], [5, 40]] as const) {
      const [first, ...rest] = await itemsBetweenTurns(workers, 12, itemMs);
      // Loops that start together all pass their first check at once: one item each at most.
      assert.ok(first! <= Math.max(workers, Math.ceil(10 / itemMs)) + 1, `${workers} loops of ${itemMs} ms items: ${first} items before the first turn`);
      const most = Math.max(...rest);
      assert.ok(most <= Math.ceil(10 / itemMs) + 1, `${workers} loops of ${itemMs} ms items: up to ${most} items between turns (${rest.join(',')})`);
    }
  });

  it('never makes work wait while the slice lasts', async () => {
    const clock = manualClock();
    const slice = timeSlicer(clock.now, 10);
    let turned = false;
    await slice();
    setImmediate(() => (turned = true));
    for (let i = 0; i < 1000; i++) await slice();
    assert.equal(turned, false, 'work that costs no time ran without letting the event loop turn');
  });
});
