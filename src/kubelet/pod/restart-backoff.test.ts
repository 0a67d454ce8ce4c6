import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestartBackoff } from './restart-backoff.ts';

describe('RestartBackoff', () => {
  it('restarts at once the first time, then waits 10 s, 20 s, 40 s … capped at 5 min after each exit', () => {
    const b = new RestartBackoff();
    let now = 1_000;
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const exitedAt = now;
      const at = b.restartAt('uid/c', exitedAt);
      delays.push(at - exitedAt);
      now = at;
      b.granted('uid/c', exitedAt, now);
      now += 1_000; // the container runs for a second, then exits again
    }
    assert.deepEqual(delays, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('starts over when the container ran longer than twice the cap before exiting', () => {
    const b = new RestartBackoff({ initialMs: 100, maxMs: 1_000 });
    b.granted('k', 0, 0);
    b.granted('k', 50, 150);
    assert.equal(b.restartAt('k', 200), 400);
    assert.equal(b.restartAt('k', 150 + 2_001), 150 + 2_001);
    b.granted('k', 150 + 2_001, 150 + 2_001);
    assert.equal(b.currentDelay('k'), 100);
  });

  it('keeps containers apart and forgets a pod', () => {
    const b = new RestartBackoff({ initialMs: 100, maxMs: 1_000 });
    b.granted('pod-a/x', 0, 0);
    b.granted('pod-a/y', 0, 0);
    b.granted('pod-b/x', 0, 0);
    b.forgetPrefix('pod-a/');
    assert.equal(b.restartAt('pod-a/x', 10), 10);
    assert.equal(b.restartAt('pod-b/x', 10), 110);
  });
});
