import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  duplicate,
  fieldErrorBody,
  forbidden,
  formatFieldError,
  formatFieldErrors,
  formatValue,
  invalid,
  notFound,
  notSupported,
  required,
  toStatusCauses,
  tooLong,
  tooMany,
} from './field-errors.ts';

void test('each error type renders like upstream', () => {
  assert.equal(formatFieldError(required('spec.containers')), 'spec.containers: Required value');
  assert.equal(formatFieldError(required('metadata.name', 'name or generateName is required')), 'metadata.name: Required value: name or generateName is required');
  assert.equal(formatFieldError(invalid('spec.replicas', -1, 'must be greater than or equal to 0')), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  assert.equal(
    formatFieldError(notSupported('spec.type', 'Foo', ['ClusterIP', 'NodePort'])),
    'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "NodePort"',
  );
  assert.equal(formatFieldError(forbidden('spec', 'nope')), 'spec: Forbidden: nope');
  assert.equal(formatFieldError(duplicate('spec.ports[1].name', 'http')), 'spec.ports[1].name: Duplicate value: "http"');
  assert.equal(formatFieldError(notFound('spec.containers[0].volumeMounts[0].name', 'data')), 'spec.containers[0].volumeMounts[0].name: Not found: "data"');
  assert.equal(formatFieldError(tooLong('data', 1048576)), 'data: Too long: must have at most 1048576 bytes');
  assert.equal(formatFieldError(tooMany('endpoints', 1001, 1000)), 'endpoints: Too many: 1001: must have at most 1000 items');
});

void test('values print in Go syntax for strings, lists and string maps', () => {
  assert.equal(formatValue('x"y'), '"x\\"y"');
  assert.equal(formatValue(true), 'true');
  assert.equal(formatValue(undefined), 'null');
  assert.equal(formatValue(['10.0.0.1', 'fd00::1']), '[]string{"10.0.0.1", "fd00::1"}');
  assert.equal(formatValue({ b: '2', a: '1' }), 'map[string]string{"a":"1", "b":"2"}');
  assert.equal(formatValue({ n: 1 }), '{"n":1}');
});

void test('formatFieldErrors gives the 422 message: one error bare, several in brackets, duplicates once', () => {
  const bad = invalid('metadata.name', 'Bad_Name', 'a lowercase RFC 1123 subdomain must ...');
  assert.equal(formatFieldErrors('ConfigMap', 'Bad_Name', [bad]), 'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must ...');
  assert.equal(
    formatFieldErrors('Deployment.apps', 'web', [required('spec.selector'), required('spec.selector'), required('spec.template')]),
    'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template: Required value]',
  );
  assert.equal(formatFieldErrors('Pod', 'p', []), 'Pod "p" is invalid');
});

void test('toStatusCauses carries the type, field and body', () => {
  assert.deepEqual(toStatusCauses([invalid('spec.replicas', -1, 'must be greater than or equal to 0')]), [
    { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
  ]);
  assert.equal(fieldErrorBody(required('x')), 'Required value');
});
