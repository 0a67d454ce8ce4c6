import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff.ts';

describe('Backoff', () => {
  it('doubles from initialMs up to maxMs and starts over after reset()', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 500, jitter: 0 });
    assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 500, 500]);
    b.reset();
    assert.equal(b.next(), 100);
  });

  it('jitter shortens each delay by at most the jitter fraction', () => {
    const b = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 1 });
    assert.equal(b.next(), 800);
    const c = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 0 });
    assert.equal(c.next(), 1000);
  });
});
