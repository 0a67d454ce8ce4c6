import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError, formatFieldErrors } from '../../validation/field-errors.ts';
import { configMapTableRow, validateConfigMap, validateConfigMapUpdate } from './configmap.ts';

function cm(extra: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'c', namespace: 'default', creationTimestamp: '2024-05-01T11:59:55Z' }, ...extra };
}

void test('a valid config map passes', () => {
  assert.deepEqual(validateConfigMap(cm({ data: { 'app.properties': 'x=1' }, binaryData: { logo: 'iVBORw==' } })), []);
  assert.deepEqual(validateConfigMap(cm({})), []);
});

void test('more than 1 MiB in total is too long, reported at the object like upstream', () => {
  const errs = validateConfigMap(cm({ data: { a: 'x'.repeat(1048576), b: 'y' } }));
  assert.equal(formatFieldErrors('ConfigMap', 'c', errs), 'ConfigMap "c" is invalid: []: Too long: must have at most 1048576 bytes');
  assert.deepEqual(validateConfigMap(cm({ data: { a: 'x'.repeat(1048576) } })), []);
});

void test('keys must be valid and distinct across data and binaryData', () => {
  const errs = validateConfigMap(cm({ data: { dup: 'x', 'bad key': 'y' }, binaryData: { dup: 'eA==' } })).map(formatFieldError);
  assert.ok(errs.some((e) => e.startsWith('data[bad key]: Invalid value: "bad key": a valid config key')));
  assert.ok(errs.includes('data[dup]: Invalid value: "dup": duplicate of key present in binaryData'));
  assert.ok(errs.includes('binaryData[dup]: Invalid value: "dup": duplicate of key present in data'));
  assert.deepEqual(validateConfigMap(cm({ data: { a: 1 } })).map(formatFieldError), ['data[a]: Invalid value: 1: must be a string']);
});

void test('immutable config maps keep their data', () => {
  const old = cm({ immutable: true, data: { a: '1' } });
  assert.deepEqual(validateConfigMapUpdate(cm({ immutable: true, data: { a: '2' } }), old).map(formatFieldError), [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(validateConfigMapUpdate(cm({ immutable: false, data: { a: '1' } }), old).map(formatFieldError), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
  ]);
});

void test('DATA counts data and binaryData entries', () => {
  assert.deepEqual(configMapTableRow(cm({ data: { a: '1', b: '2' }, binaryData: { c: 'eA==' } }), new Date('2024-05-01T12:00:00Z')), [3, '5s']);
});
