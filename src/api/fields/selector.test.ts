import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSelectorError, checkFieldsSupported, escapeValue, fieldsMatch, parseFieldSelector, unescapeValue } from './selector.ts';

const pod: Record<string, string> = { 'metadata.name': 'web-1', 'spec.nodeName': 'node-a', 'status.phase': 'Running' };
const get = (f: string): string | undefined => pod[f];

void test('=, == and != terms', () => {
  assert.deepEqual(parseFieldSelector('spec.nodeName=node-a,status.phase!=Failed,metadata.name==web-1'), [
    { field: 'metadata.name', operator: '=', value: 'web-1' },
    { field: 'spec.nodeName', operator: '=', value: 'node-a' },
    { field: 'status.phase', operator: '!=', value: 'Failed' },
  ]);
  assert.ok(fieldsMatch(parseFieldSelector('spec.nodeName=node-a,status.phase!=Failed'), get));
  assert.ok(!fieldsMatch(parseFieldSelector('spec.nodeName=node-b'), get));
  assert.ok(fieldsMatch(parseFieldSelector('spec.nodeName!=node-b'), get));
});

void test('an empty value selects objects where the field is empty', () => {
  assert.ok(fieldsMatch(parseFieldSelector('spec.schedulerName='), get));
  assert.ok(!fieldsMatch(parseFieldSelector('spec.nodeName='), get));
  assert.deepEqual(parseFieldSelector(''), []);
});

void test('backslash escapes commas, equals signs and backslashes in values', () => {
  assert.deepEqual(parseFieldSelector('a=x\\,y\\=z\\\\'), [{ field: 'a', operator: '=', value: 'x,y=z\\' }]);
  assert.equal(unescapeValue('plain'), 'plain');
});

void test('escapeValue() writes any value so that a term reads it back', () => {
  for (const value of ['plain', 'a,b', 'x=y', 'back\\slash', '\\,=']) {
    assert.deepEqual(parseFieldSelector(`metadata.name=${escapeValue(value)}`), [{ field: 'metadata.name', operator: '=', value }], value);
  }
});

void test('malformed selectors are errors with upstream messages', () => {
  const cases: Array<[string, string]> = [
    ['nonsense', "invalid selector: 'nonsense'; can't understand 'nonsense'"],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseFieldSelector(input), (e: unknown) => e instanceof FieldSelectorError && e.message === message, input);
  }
});

void test('unsupported fields are reported by name', () => {
  const reqs = parseFieldSelector('spec.nodeName=a,spec.bogus=b');
  assert.throws(() => checkFieldsSupported(reqs, (f) => f in pod), (e: unknown) => e instanceof FieldSelectorError && e.message === 'field label not supported: spec.bogus');
  assert.doesNotThrow(() => checkFieldsSupported(parseFieldSelector('spec.nodeName=a'), (f) => f in pod));
});
