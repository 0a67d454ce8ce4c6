import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pause, realClock } from './clock.ts';
import { FakeClock } from './testing/fake-clock.ts';

describe('realClock', () => {
  it('sleep() rejects with the abort reason, at once when already aborted', async () => {
    const reason = new Error('stop');
    await assert.rejects(realClock.sleep(10_000, AbortSignal.abort(reason)), (e) => e === reason);
    const ac = new AbortController();
    const sleeping = realClock.sleep(10_000, ac.signal);
    ac.abort(reason);
    await assert.rejects(sleeping, (e) => e === reason);
  });

  it('now() is monotonic', async () => {
    const a = realClock.now();
    await realClock.sleep(1);
    assert.ok(realClock.now() >= a);
  });
});

describe('pause()', () => {
  it('resolves true after the delay and false when aborted', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const first = pause(clock, 100, ac.signal);
    await clock.advance(100);
    assert.equal(await first, true);
    const second = pause(clock, 100, ac.signal);
    ac.abort();
    assert.equal(await second, false);
  });
});

describe('FakeClock', () => {
  it('fires timers in due order, including timers created by woken code within the window', async () => {
    const clock = new FakeClock(new Date('2030-01-01T00:00:00Z'));
    const fired: string[] = [];
    void clock.sleep(30).then(() => fired.push('30'));
    void clock.sleep(10).then(async () => {
      fired.push('10');
      await clock.sleep(5);
      fired.push('15');
    });
    await clock.advance(20);
    assert.deepEqual(fired, ['10', '15']);
    await clock.advance(10);
    assert.deepEqual(fired, ['10', '15', '30']);
    assert.equal(clock.now(), 30);
    assert.equal(clock.wallNow().toISOString(), '2030-01-01T00:00:00.030Z');
    assert.equal(clock.pendingTimers(), 0);
  });
});
