import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldError } from '../meta/types.ts';
import { base64MapSize, decodeBase64, validateDataKeys } from './config-data.ts';

void test('decodeBase64 accepts padded standard base64 only', () => {
  assert.equal(decodeBase64('aGVsbG8=')?.toString(), 'hello');
  assert.equal(decodeBase64('aGVs\nbG8=')?.toString(), 'hello');
  assert.equal(decodeBase64('aGVsbG8'), undefined);
  assert.equal(decodeBase64('a*=='), undefined);
});

void test('validateDataKeys reports bad keys at path[key]', () => {
  const errs = validateDataKeys({ good: '', 'bad key': '' }, 'data');
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'data[bad key]');
});

void test('base64MapSize sums decoded sizes and reports undecodable values', () => {
  const ok: FieldError[] = [];
  assert.equal(base64MapSize({ a: 'aGVsbG8=', b: 'eA==' }, 'data', ok), 6);
  assert.equal(ok.length, 0);
  const bad: FieldError[] = [];
  base64MapSize({ c: 'not base64!' }, 'data', bad);
  assert.deepEqual(bad.map((e) => e.field), ['data[c]']);
});
