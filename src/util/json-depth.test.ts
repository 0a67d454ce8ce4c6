import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nestsDeeperThan } from './json-depth.ts';

void test('counts object and array levels, and checks values far deeper than a recursive walk could', () => {
  assert.equal(nestsDeeperThan('x', 0), false);
  assert.equal(nestsDeeperThan({ a: [1, { b: 2 }] }, 3), false);
  assert.equal(nestsDeeperThan({ a: [1, { b: 2 }] }, 2), true);
  let deep: unknown = 'leaf';
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  assert.equal(nestsDeeperThan(deep, 100_000), false);
  assert.equal(nestsDeeperThan(deep, 99_999), true);
});
