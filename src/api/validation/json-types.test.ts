import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeJsonValue, fitsJsonType, jsonTypeOf } from './json-types.ts';
import { metaV1Schemas } from '../openapi/schemas/meta-v1.ts';
import { INT_OR_STRING, QUANTITY } from '../openapi/schemas/dsl.ts';

void describe('jsonTypeOf', () => {
  void it('reads type and format, int-or-string and quantities first', () => {
    assert.equal(jsonTypeOf({ type: 'integer', format: 'int32' }), 'int32');
    assert.equal(jsonTypeOf({ type: 'integer', format: 'int64' }), 'int64');
    assert.equal(jsonTypeOf({ type: 'integer' }), 'int64');
    assert.equal(jsonTypeOf({ type: 'number', format: 'double' }), 'number');
    assert.equal(jsonTypeOf({ type: 'string', format: 'date-time' }), 'string');
    assert.equal(jsonTypeOf(metaV1Schemas[INT_OR_STRING]!), 'int-or-string');
    assert.equal(jsonTypeOf(metaV1Schemas[QUANTITY]!), 'quantity');
    assert.equal(jsonTypeOf({ 'x-kubernetes-preserve-unknown-fields': true }), undefined);
  });
});

void describe('fitsJsonType', () => {
  void it('takes null for every type', () => {
    for (const type of ['string', 'boolean', 'number', 'int32', 'int64', 'object', 'array', 'int-or-string', 'quantity'] as const) {
      assert.equal(fitsJsonType(null, type), true, type);
    }
  });

  void it('keeps integers whole and within range', () => {
    assert.equal(fitsJsonType(2147483647, 'int32'), true);
    assert.equal(fitsJsonType(2147483648, 'int32'), false);
    assert.equal(fitsJsonType(1.0, 'int32'), true, 'JSON 1.0 parses as 1');
    assert.equal(fitsJsonType(1.5, 'int64'), false);
    assert.equal(fitsJsonType(2 ** 62, 'int64'), true);
    assert.equal(fitsJsonType(2 ** 63, 'int64'), false);
  });
});

void describe('describeJsonValue', () => {
  void it('shows scalars with their value and containers by kind', () => {
    assert.equal(describeJsonValue('abc'), 'string "abc"');
    assert.equal(describeJsonValue(1.5), 'number 1.5');
    assert.equal(describeJsonValue(Number.POSITIVE_INFINITY), 'a number out of range');
    assert.equal(describeJsonValue(true), 'boolean true');
    assert.equal(describeJsonValue({ a: 1 }), 'object');
    assert.equal(describeJsonValue([1]), 'array');
  });
});
