import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasUnknownFields, pruneUnknownFields } from './pruning.ts';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        a: { type: 'string' },
        list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        map: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'integer' } } } },
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { k: { type: 'string' } } } } },
        closed: { type: 'object' },
        port: { 'x-kubernetes-int-or-string': true },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } },
        },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

describe('structural pruning', () => {
  it('drops what the schema does not specify and says where', () => {
    const obj = {
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'x', whatever: 1 },
      extra: true,
      spec: {
        a: 'kept',
        b: 'dropped',
        list: [{ name: 'n', junk: 1 }, 'not-an-object'],
        map: { k1: { v: 1, w: 2 } },
        open: { anything: { goes: 1 }, known: { k: 'x', drop: 'me' } },
        closed: { gone: 1 },
        port: 80,
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 }, spec: { x: 'y', z: 'w' }, other: 1 },
      },
      status: { ready: true, phase: 'x' },
    };
    const removed = pruneUnknownFields(obj, schema);
    assert.deepEqual(removed, [
      'extra',
      'spec.b',
      'spec.list[0].junk',
      'spec.map.k1.w',
      'spec.open.known.drop',
      'spec.closed.gone',
      'spec.template.metadata.bogus',
      'spec.template.spec.z',
      'spec.template.other',
      'status.phase',
    ]);
    assert.deepEqual(obj, {
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'x', whatever: 1 },
      spec: {
        a: 'kept',
        list: [{ name: 'n' }, 'not-an-object'],
        map: { k1: { v: 1 } },
        open: { anything: { goes: 1 }, known: { k: 'x' } },
        closed: {},
        port: 80,
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'y' } },
      },
      status: { ready: true },
    });
  });

  it('keeps everything under a root that preserves unknown fields', () => {
    const obj = { spec: { anything: 1 }, other: 'x' };
    assert.deepEqual(pruneUnknownFields(obj, { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), []);
    assert.deepEqual(obj, { spec: { anything: 1 }, other: 'x' });
  });

  it('checks a value without changing it', () => {
    const value = { a: 1, b: 2 };
    assert.deepEqual(hasUnknownFields(value, { type: 'object', properties: { a: { type: 'integer' } } }, false), ['b']);
    assert.deepEqual(value, { a: 1, b: 2 });
  });
});
