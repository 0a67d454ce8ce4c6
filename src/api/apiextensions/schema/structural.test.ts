import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../validation/field-errors.ts';
import { validateStructuralSchema } from './structural.ts';

const ROOT = 'spec.versions[0].schema.openAPIV3Schema';

function problems(schema: unknown): string[] {
  return validateStructuralSchema(schema, ROOT).map(formatFieldError);
}

describe('structural schema checks', () => {
  it('accepts a structural schema', () => {
    assert.deepEqual(
      problems({
        type: 'object',
        properties: {
          metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } },
          spec: {
            type: 'object',
            properties: {
              port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
              free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
              byName: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              either: { type: 'string', anyOf: [{ pattern: '^a' }, { maxLength: 3 }] },
              template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      }),
      [],
    );
  });

  it('requires types, items and an object root, with upstream messages', () => {
    assert.deepEqual(problems({ properties: { spec: { properties: { list: { type: 'array' } } } } }), [
      `${ROOT}.properties[spec].properties[list].items: Required value: must be specified`,
      `${ROOT}.properties[spec].type: Required value: must not be empty for specified object fields`,
      `${ROOT}.type: Required value: must not be empty at the root`,
    ]);
    assert.deepEqual(problems({ type: 'string' }), [`${ROOT}.type: Invalid value: "string": must be object at the root`]);
    assert.deepEqual(problems({ type: 'object', properties: { a: { type: 'array', items: {} } } }), [
      `${ROOT}.properties[a].items.type: Required value: must not be empty for specified array items`,
    ]);
  });

  it('keeps logical junctors to value checks', () => {
    assert.deepEqual(
      problems({ type: 'object', properties: { a: { type: 'string', anyOf: [{ type: 'string', description: 'x' }], allOf: [{ default: 'q', nullable: true }] } } }),
      [
        `${ROOT}.properties[a].allOf[0].default: Forbidden: must be undefined to be structural`,
        `${ROOT}.properties[a].allOf[0].nullable: Forbidden: must be false to be structural`,
        `${ROOT}.properties[a].anyOf[0].type: Forbidden: must be empty to be structural`,
        `${ROOT}.properties[a].anyOf[0].description: Forbidden: must be empty to be structural`,
      ].sort(),
    );
  });

  it('refuses unsupported OpenAPI features and contradictions', () => {
    assert.deepEqual(
      problems({
        type: 'object',
        additionalProperties: { type: 'string' },
        properties: {
          a: { $ref: '#/definitions/x', type: 'string' },
          b: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          c: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: false },
          d: { type: 'null' },
          e: { type: 'string', pattern: '(' },
          f: { type: 'object', 'x-kubernetes-embedded-resource': true },
        },
      }).map((m) => m.replace(/isn't: .*/, "isn't: …")),
      [
        `${ROOT}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
        `${ROOT}.additionalProperties: Forbidden: must not be used at the root`,
        `${ROOT}.properties[a].$ref: Forbidden: $ref is not supported`,
        `${ROOT}.properties[b].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
        `${ROOT}.properties[c].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
        `${ROOT}.properties[d].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
        `${ROOT}.properties[e].pattern: Invalid value: "(": must be a valid regular expression, but isn't: …`,
        `${ROOT}.properties[f].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
      ],
    );
  });

  it('restricts metadata to name and generateName', () => {
    assert.deepEqual(problems({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } }), [
      `${ROOT}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    ]);
  });

  it('checks list types', () => {
    assert.deepEqual(problems({ type: 'object', properties: { a: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'map' } } }), [
      `${ROOT}.properties[a].items.type: Invalid value: "string": must be object if parent array's x-kubernetes-list-type is map`,
      `${ROOT}.properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
    ]);
  });

  it('never throws on garbage', () => {
    for (const garbage of [null, 'x', 3, [], { type: 'object', properties: 'x' }, { type: 'object', properties: { a: null } }, { type: 5 }]) {
      assert.ok(Array.isArray(validateStructuralSchema(garbage, ROOT)));
    }
  });
});
