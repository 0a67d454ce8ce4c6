import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backgroundCheck } from './health.ts';

describe('backgroundCheck', () => {
  it('answers from the latest result, waits only for the first, and fails a check that hangs', async () => {
    let clock = 1_000;
    let answer: string | undefined = undefined;
    /** When set, the next run of the check hangs until this is called. */
    let hang: { release?: () => void } | undefined;
    let calls = 0;
    const bg = backgroundCheck(
      () => {
        calls++;
        if (hang === undefined) return Promise.resolve(answer);
        const pending = hang;
        return new Promise((resolve) => (pending.release = () => resolve(answer)));
      },
      { intervalMs: 60_000, maxAgeMs: 2_000, now: () => clock },
    );
    try {
      assert.equal(await bg.check(), undefined, 'the first request waits for a result');
      answer = 'etcd: no leader';
      assert.equal(await bg.check(), undefined, 'later requests answer from the latest result');
      await bg.refresh();
      assert.equal(await bg.check(), 'etcd: no leader');
      hang = {};
      const hanging = bg.refresh();
      clock += 1_500;
      assert.equal(await bg.check(), 'etcd: no leader', 'a recent result serves while the check runs');
      clock += 1_000;
      assert.equal(await bg.check(), 'no result for 2500 ms (the check hangs)');
      answer = undefined;
      hang.release!();
      await hanging;
      assert.equal(await bg.check(), undefined);
      assert.equal(calls, 3);
    } finally {
      bg.stop();
    }
  });
});
