import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultSecret, secretFieldSelectors, secretTableRow, validateSecret, validateSecretUpdate } from './secret.ts';

function secret(extra: Record<string, unknown>): KubeObject {
  return { metadata: { name: 's', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, ...extra };
}

function texts(errs: ReturnType<typeof validateSecret>): string[] {
  return errs.map(formatFieldError);
}

void test('type defaults to Opaque and stringData is merged into data', () => {
  const s = secret({ data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'hello', c: 'wörld' } });
  defaultSecret(s);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { a: 'eA==', b: 'aGVsbG8=', c: Buffer.from('wörld').toString('base64') });
  assert.equal(s.stringData, undefined);
  assert.deepEqual(validateSecret(s), []);
});

void test('the data size is capped at 1 MiB of decoded bytes', () => {
  const s = secret({ type: 'Opaque', data: { big: Buffer.alloc(1048577).toString('base64') } });
  assert.deepEqual(texts(validateSecret(s)), ['data: Too long: must have at most 1048576 bytes']);
  const fits = secret({ type: 'Opaque', data: { big: Buffer.alloc(1048576).toString('base64') } });
  assert.deepEqual(validateSecret(fits), []);
});

void test('keys and base64 are checked', () => {
  const errs = texts(validateSecret(secret({ type: 'Opaque', data: { 'bad/key': 'eA==', ok: 'not base64' } })));
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, /^data\[bad\/key\]: Invalid value: "bad\/key": a valid config key must consist of alphanumeric characters/);
  assert.equal(errs[1], 'data[ok]: Invalid value: "<value omitted>": must be a base64-encoded string');
});

void test('well-known types require their keys', () => {
  assert.deepEqual(texts(validateSecret(secret({ type: 'kubernetes.io/tls', data: {} }))), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
  assert.deepEqual(texts(validateSecret(secret({ type: 'kubernetes.io/service-account-token' }))), [
    'metadata.annotations[kubernetes.io/service-account.name]: Required value',
  ]);
  assert.equal(validateSecret(secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{nope').toString('base64') } }))[0]!.field, 'data[.dockerconfigjson]');
  assert.deepEqual(validateSecret(secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{}').toString('base64') } })), []);
});

void test('type is immutable, and immutable secrets keep their data', () => {
  const old = secret({ type: 'Opaque', immutable: true, data: { a: 'eA==' } });
  assert.deepEqual(texts(validateSecretUpdate(secret({ type: 'other', immutable: true, data: { a: 'eQ==' } }), old)), [
    'type: Invalid value: "other": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(validateSecretUpdate(secret({ type: 'Opaque', immutable: true, data: { a: 'eA==' }, metadata: { name: 's', labels: { x: 'y' } } }), old), []);
});

void test('table row and the type field selector', () => {
  const s = secret({ type: 'Opaque', data: { a: 'eA==', b: 'eA==' } });
  assert.deepEqual(secretTableRow(s, new Date('2024-05-01T12:00:00Z')), ['Opaque', 2, '60m']);
  assert.equal(secretFieldSelectors.type!(s), 'Opaque');
});
