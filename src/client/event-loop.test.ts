import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { yieldIfBusy } from './event-loop.ts';

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Spin: stands for reconciles that need no I/O.
  }
}

describe('yieldIfBusy()', () => {
  it('lets a due timer run during a long chain of work that never waits on I/O', async () => {
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    let itemsBeforeTimer = -1;
    for (let item = 0; item < 20; item++) {
      busyFor(2);
      await yieldIfBusy();
      if (timerRan && itemsBeforeTimer < 0) itemsBeforeTimer = item;
    }
    // 2 ms per item and a 10 ms slice: the timer runs after a handful of items, not after all 20.
    assert.ok(itemsBeforeTimer >= 0 && itemsBeforeTimer < 19, `timer ran after item ${itemsBeforeTimer}`);
  });

});
