import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity } from './quantity.ts';

void test('decimal, binary and exponent suffixes parse to nano-units', () => {
  assert.equal(parseQuantity('1'), 1_000_000_000n);
  assert.equal(parseQuantity('500m'), 500_000_000n);
  assert.equal(parseQuantity('0.5'), parseQuantity('500m'));
  assert.equal(parseQuantity('1Ki'), 1024n * 1_000_000_000n);
  assert.equal(parseQuantity('1.5Gi'), 1610612736n * 1_000_000_000n);
  assert.equal(parseQuantity('2k'), parseQuantity('2e3'));
  assert.equal(parseQuantity('1n'), 1n);
  assert.equal(parseQuantity('-1'), -1_000_000_000n);
});

void test('malformed quantities are undefined', () => {
  for (const bad of ['', 'abc', '1Xi', '1..2', 'm']) assert.equal(parseQuantity(bad), undefined, bad);
});
