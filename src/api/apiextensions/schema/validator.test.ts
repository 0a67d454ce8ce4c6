import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../validation/field-errors.ts';
import { compileSchemaValidator, toAjvSchema } from './validator.ts';

const cronTab = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['cronSpec'],
      properties: {
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
        image: { type: 'string', minLength: 2, maxLength: 20 },
        replicas: { type: 'integer', minimum: 1, maximum: 10 },
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
        mode: { type: 'string', enum: ['Fast', 'Slow'] },
        port: { 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
        owner: { type: 'string', nullable: true },
        created: { type: 'string', format: 'date-time' },
        unknownFormat: { type: 'string', format: 'made-up' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        ports: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

const validate = compileSchemaValidator(cronTab);

function messages(obj: unknown): string[] {
  return validate(obj).map(formatFieldError);
}

describe('custom resource schema validation', () => {
  it('accepts a valid object', () => {
    assert.deepEqual(
      messages({
        spec: {
          cronSpec: '* * * * */5', image: 'my-image', replicas: 3, ratio: 0.5, mode: 'Fast', port: 'http', tags: ['a'],
          owner: null, created: '2024-01-02T03:04:05Z', unknownFormat: 'anything', labels: { a: 'b' },
          template: { apiVersion: 'v1', kind: 'Pod', spec: {} },
        },
      }),
      [],
    );
    assert.deepEqual(messages({ spec: { cronSpec: '1 2 3 4 5', port: 8080 } }), []);
  });

  it('reports a wrong type as upstream does', () => {
    const errs = validate({ spec: { cronSpec: '* * * * *', replicas: 'string' } });
    assert.equal(errs.length, 1);
    assert.deepEqual(errs[0], {
      type: 'FieldValueTypeInvalid',
      field: 'spec.replicas',
      value: 'string',
      detail: 'spec.replicas in body must be of type integer: "string"',
    });
    assert.equal(formatFieldError(errs[0]), 'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');
  });

  it('reports required fields, enums, patterns and bounds', () => {
    assert.deepEqual(messages({ spec: {} }), ['spec.cronSpec: Required value']);
    assert.deepEqual(messages({ spec: { cronSpec: 'bad' } }), [
      `spec.cronSpec: Invalid value: "bad": spec.cronSpec in body should match '${cronTab.properties.spec.properties.cronSpec.pattern}'`,
    ]);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', mode: 'Medium' } }), [
      'spec.mode: Unsupported value: "Medium": supported values: "Fast", "Slow"',
    ]);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', replicas: 0 } }), [
      'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
    ]);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', replicas: 11 } }), [
      'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
    ]);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', ratio: 0 } }), [
      'spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0',
    ]);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', image: 'x' } }), [
      'spec.image: Invalid value: "x": spec.image in body should be at least 2 chars long',
    ]);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', image: 'x'.repeat(21) } }), ['spec.image: Too long: may not be longer than 20']);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', tags: [] } }), ['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items']);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', tags: ['a', 'b', 'c'] } }), ['spec.tags: Too many: 3: must have at most 2 items']);
  });

  it('checks int-or-string, nullable, formats and nested paths', () => {
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', port: true } }), [
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    ]);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', created: 'yesterday' } }), [
      'spec.created: Invalid value: "yesterday": spec.created in body must be of type date-time: "yesterday"',
    ]);
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', ports: [{ name: 'a' }, { name: 3 }], labels: { x: 1 } } }).sort(), [
      'spec.labels.x: Invalid value: "integer": spec.labels.x in body must be of type string: "integer"',
      'spec.ports[1].name: Invalid value: "integer": spec.ports[1].name in body must be of type string: "integer"',
    ]);
  });

  it('requires apiVersion and kind of embedded resources', () => {
    assert.deepEqual(messages({ spec: { cronSpec: '* * * * *', template: { spec: {} } } }), [
      'spec.template.apiVersion: Required value: must not be empty',
      'spec.template.kind: Required value: must not be empty',
    ]);
  });

  it('reports a failed anyOf once, without the errors of its branches', () => {
    const v = compileSchemaValidator({
      type: 'object',
      properties: { x: { type: 'string', anyOf: [{ pattern: '^a' }, { pattern: '^b' }] } },
    });
    assert.deepEqual(v({ x: 'c' }).map(formatFieldError), ['x: Invalid value: "": "x" must validate at least one schema (anyOf)']);
  });

  it('translates OpenAPI 3.0 keywords for ajv', () => {
    assert.deepEqual(toAjvSchema({ type: 'number', minimum: 1, exclusiveMinimum: true, description: 'd', 'x-kubernetes-list-type': 'atomic' }), {
      type: 'number',
      exclusiveMinimum: 1,
    });
    assert.deepEqual(toAjvSchema({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }), {
      type: ['integer', 'string'],
    });
  });
});
