import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from './field-errors.ts';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain } from './names.ts';
import { TOTAL_ANNOTATION_SIZE_LIMIT, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

const namespaced = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const clusterScoped = { namespaced: false, nameValidator: nameIsDNSLabel };

function texts(errs: ReturnType<typeof validateObjectMeta>): string[] {
  return errs.map(formatFieldError);
}

void test('a valid object passes', () => {
  assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'example.com/x': 'y' } }, namespaced), []);
});

void test('name or generateName is required', () => {
  assert.deepEqual(texts(validateObjectMeta({ namespace: 'default' }, namespaced)), ['metadata.name: Required value: name or generateName is required']);
});

void test('the name follows the kind rule', () => {
  assert.match(texts(validateObjectMeta({ name: 'Bad_Name', namespace: 'default' }, namespaced))[0]!, /^metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  assert.deepEqual(texts(validateObjectMeta({ name: 'a.b' }, clusterScoped)), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  assert.equal(validateObjectMeta({ name: '1svc', namespace: 'd' }, { namespaced: true, nameValidator: nameIsDNS1035Label }).length, 1);
  assert.equal(validateObjectMeta({ name: 'x'.repeat(254), namespace: 'd' }, namespaced)[0]!.detail, 'must be no more than 253 characters');
});

void test('a generateName prefix is checked as a prefix', () => {
  assert.deepEqual(validateObjectMeta({ name: 'web-x7k2p', generateName: 'web-', namespace: 'd' }, namespaced), []);
  assert.equal(validateObjectMeta({ name: 'Web-x7k2p', generateName: 'Web-', namespace: 'd' }, namespaced)[0]!.field, 'metadata.generateName');
});

void test('namespace is required for namespaced kinds and forbidden otherwise', () => {
  assert.deepEqual(texts(validateObjectMeta({ name: 'web' }, namespaced)), ['metadata.namespace: Required value']);
  assert.deepEqual(texts(validateObjectMeta({ name: 'n1', namespace: 'default' }, clusterScoped)), ['metadata.namespace: Forbidden: not allowed on this type']);
});

void test('labels need qualified keys and valid values', () => {
  const errs = texts(validateObjectMeta({ name: 'web', namespace: 'd', labels: { '-k': 'v', ok: 'x'.repeat(64) } }, namespaced));
  assert.equal(errs.length, 2);
  assert.match(errs[0]!, /^metadata\.labels: Invalid value: "-k": name part must consist/);
  assert.match(errs[1]!, /^metadata\.labels: Invalid value: "x{64}": must be no more than 63 characters$/);
});

void test('annotations are capped at 256 KiB in total', () => {
  const big = 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT);
  assert.deepEqual(texts(validateObjectMeta({ name: 'web', namespace: 'd', annotations: { a: big } }, namespaced)), [
    'metadata.annotations: Too long: must have at most 262144 bytes',
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'd', annotations: { a: big.slice(1) } }, namespaced), []);
  // Annotation keys are case-insensitive qualified names.
  assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'd', annotations: { 'Example.COM/Key': 'v' } }, namespaced), []);
});

void test('owner references must be complete and name one controller at most', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true };
  assert.deepEqual(validateObjectMeta({ name: 'p', namespace: 'd', ownerReferences: [ref] }, namespaced), []);
  const errs = texts(validateObjectMeta({ name: 'p', namespace: 'd', ownerReferences: [ref, { ...ref, name: 'rs2' }, { apiVersion: 'v1', kind: '', name: '', uid: '' }] }, namespaced));
  assert.ok(errs.some((e) => e.includes('Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and ReplicaSet/rs2')));
  assert.ok(errs.includes('metadata.ownerReferences.kind: Invalid value: "": must not be empty'));
  assert.ok(errs.includes('metadata.ownerReferences.uid: Invalid value: "": must not be empty'));
});

void test('finalizers are qualified names; orphan and foregroundDeletion exclude each other', () => {
  assert.deepEqual(validateObjectMeta({ name: 'p', namespace: 'd', finalizers: ['example.com/cleanup'] }, namespaced), []);
  assert.equal(validateObjectMeta({ name: 'p', namespace: 'd', finalizers: ['bad finalizer'] }, namespaced).length, 1);
  assert.deepEqual(texts(validateObjectMeta({ name: 'p', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] }, namespaced)), [
    'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
  ]);
});

void test('updates may not change identity fields', () => {
  const old = { name: 'p', namespace: 'd', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', generation: 2 };
  assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { a: 'b' } }, old), []);
  assert.deepEqual(texts(validateObjectMetaUpdate({ ...old, uid: 'u2', name: 'q' }, old)), [
    'metadata.name: Invalid value: "q": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  assert.deepEqual(texts(validateObjectMetaUpdate({ ...old, generation: 1 }, old)), ['metadata.generation: Invalid value: 1: must not be decremented']);
});

void test('no finalizer may be added once deletion started', () => {
  const old = { name: 'p', namespace: 'd', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['a/x'] };
  assert.deepEqual(texts(validateObjectMetaUpdate({ ...old, finalizers: ['a/x', 'b/y'] }, old)), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b/y"}',
  ]);
  assert.deepEqual(validateObjectMetaUpdate({ ...old, finalizers: [] }, old), []);
});

void test('metadata of the wrong JSON types is a field error, never an exception', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ labels: 'notamap' }, 'metadata.labels: Invalid value: "notamap": must be a map of strings'],
    [{ labels: ['a'] }, 'metadata.labels: Invalid value: []string{"a"}: must be a map of strings'],
    [{ annotations: ['x'] }, 'metadata.annotations: Invalid value: []string{"x"}: must be a map of strings'],
    [{ annotations: { a: 5 } }, 'metadata.annotations: Invalid value: 5: annotation values must be strings'],
    [{ annotations: { a: null } }, 'metadata.annotations: Invalid value: null: annotation values must be strings'],
    [{ finalizers: 'x' }, 'metadata.finalizers: Invalid value: "x": must be a list of strings'],
    [{ ownerReferences: 'x' }, 'metadata.ownerReferences: Invalid value: "x": must be a list of objects'],
    [{ name: 5 }, 'metadata.name: Invalid value: 5: must be a string'],
    [{ name: ['a'] }, 'metadata.name: Invalid value: []string{"a"}: must be a string'],
    [{ name: 'web', generateName: 5 }, 'metadata.generateName: Invalid value: 5: must be a string'],
    [{ namespace: 5 }, 'metadata.namespace: Invalid value: 5: must be a string'],
  ];
  for (const [meta, expected] of cases) {
    const errs = texts(validateObjectMeta({ name: 'web', namespace: 'd', ...meta }, namespaced));
    assert.deepEqual(errs, [expected], JSON.stringify(meta));
    assert.doesNotThrow(() => validateObjectMetaUpdate({ name: 'web', namespace: 'd', ...meta }, { name: 'web', namespace: 'd', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: 'y' } as never));
  }
});

void test('null metadata fields count as unset', () => {
  assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'd', generateName: null, labels: null, annotations: null, finalizers: null, ownerReferences: null } as never, namespaced), []);
  assert.deepEqual(texts(validateObjectMeta({ name: null, namespace: 'd' } as never, namespaced)), ['metadata.name: Required value: name or generateName is required']);
});
