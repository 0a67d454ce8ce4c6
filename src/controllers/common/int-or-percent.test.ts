import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveFenceposts, resolveIntOrPercent } from './int-or-percent.ts';

describe('int-or-percent', () => {
  it('rounds percentages up for surge and down for unavailability', () => {
    assert.equal(resolveIntOrPercent('25%', 10, true), 3);
    assert.equal(resolveIntOrPercent('25%', 10, false), 2);
    assert.equal(resolveIntOrPercent(2, 10, false), 2);
    assert.equal(resolveIntOrPercent('100%', 3, false), 3);
  });

  it('makes unavailability 1 when both fenceposts round to 0', () => {
    assert.deepEqual(resolveFenceposts('1%', '1%', 2), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts(0, '10%', 3), { surge: 0, unavailable: 1 });
    assert.deepEqual(resolveFenceposts('25%', '25%', 4), { surge: 1, unavailable: 1 });
  });
});
