import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COMBINED_PREFIX, EventCorrelator, MAX_SIMILAR, type Occurrence } from './event-correlator.ts';

const failed = (n: number, extra: Partial<Occurrence> = {}): Occurrence => ({
  component: 'replicaset-controller',
  instance: '',
  ref: { kind: 'ReplicaSet', apiVersion: 'apps/v1', name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: String(n) },
  type: 'Warning',
  reason: 'FailedCreate',
  message: `Error creating: pods "web-${n}" is forbidden`,
  ...extra,
});

describe('EventCorrelator', () => {
  it('keys identical occurrences alike whatever the object\'s resourceVersion, and apart by source, object and reason', () => {
    const c = new EventCorrelator(600_000, 100);
    const a = c.correlate(failed(1), 0);
    assert.deepEqual(c.correlate({ ...failed(1), ref: { ...failed(1).ref, resourceVersion: '99' } }, 1), a);
    assert.notEqual(c.correlate(failed(1, { component: 'other' }), 2).key, a.key);
    assert.notEqual(c.correlate(failed(1, { reason: 'FailedDelete' }), 3).key, a.key);
    assert.notEqual(c.correlate(failed(1, { ref: { ...failed(1).ref, uid: 'u2' } }), 4).key, a.key);
  });

  it(`combines similar occurrences from the ${MAX_SIMILAR}th distinct message on, until the group goes quiet for the window`, () => {
    const c = new EventCorrelator(600_000, 100);
    const keys = Array.from({ length: MAX_SIMILAR - 1 }, (_, i) => c.correlate(failed(i), i).key);
    assert.equal(new Set(keys).size, MAX_SIMILAR - 1);
    const combined = c.correlate(failed(100), 100);
    assert.equal(combined.message, `${COMBINED_PREFIX}Error creating: pods "web-100" is forbidden`);
    assert.equal(c.correlate(failed(101), 200).key, combined.key);
    // Quiet for longer than the window: a new message is its own Event again.
    assert.deepEqual(c.correlate(failed(102), 200 + 600_001).message, 'Error creating: pods "web-102" is forbidden');
  });
});
