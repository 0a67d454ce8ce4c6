import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deepEqual } from './deep-equal.ts';

describe('deepEqual', () => {
  it('ignores key order and undefined-valued keys', () => {
    assert.equal(deepEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), true);
    assert.equal(deepEqual({ a: 1, x: undefined }, { a: 1 }), true);
  });
  it('tells different values apart', () => {
    assert.equal(deepEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(deepEqual({ a: 1 }, { a: '1' }), false);
    assert.equal(deepEqual([], {}), false);
    assert.equal(deepEqual(null, {}), false);
    assert.equal(deepEqual({ a: 1 }, { a: 1, b: 2 }), false);
  });
});
