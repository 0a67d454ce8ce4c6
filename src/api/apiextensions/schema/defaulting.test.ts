import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applySchemaDefaults } from './defaulting.ts';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer', default: 1 },
        image: { type: 'string' },
        owner: { type: 'string', nullable: true, default: 'nobody' },
        policy: { type: 'object', default: {}, properties: { mode: { type: 'string', default: 'Fast' } } },
        ports: { type: 'array', items: { type: 'object', properties: { protocol: { type: 'string', default: 'TCP' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
};

describe('defaulting from the schema', () => {
  it('fills absent fields, defaults inside defaults, and list items', () => {
    const obj: any = { spec: { image: 'x', ports: [{}, { protocol: 'UDP' }] } };
    applySchemaDefaults(obj, schema);
    assert.deepEqual(obj, {
      spec: { image: 'x', replicas: 1, owner: 'nobody', policy: { mode: 'Fast' }, ports: [{ protocol: 'TCP' }, { protocol: 'UDP' }] },
    });
  });

  it('defaults non-nullable nulls, keeps nullable ones, and drops nulls without a default', () => {
    const obj: any = { spec: { replicas: null, owner: null, image: null, labels: { a: null, b: 'x' } } };
    applySchemaDefaults(obj, schema);
    assert.deepEqual(obj, { spec: { replicas: 1, owner: null, policy: { mode: 'Fast' }, labels: { b: 'x' } } });
  });

  it('enters only objects that exist', () => {
    const obj: any = { metadata: { name: 'x' } };
    applySchemaDefaults(obj, schema);
    assert.deepEqual(obj, { metadata: { name: 'x' } });
  });

  it('does not share the default value between objects', () => {
    const a: any = { spec: {} };
    const b: any = { spec: {} };
    applySchemaDefaults(a, schema);
    applySchemaDefaults(b, schema);
    a.spec.policy.mode = 'Slow';
    assert.equal(b.spec.policy.mode, 'Fast');
  });
});
