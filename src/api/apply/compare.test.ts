import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareObjects, excludeFields } from './compare.ts';
import { FieldSet } from './field-set.ts';
import { formatPath } from './path-element.ts';
import { DEPLOYMENT, WIDGET } from './testing/types.ts';
import type { TypeNode } from './type-node.ts';

function diff(older: unknown, newer: unknown, type: TypeNode = WIDGET) {
  const c = compareObjects(older, newer, type);
  return { added: c.added.paths().map(formatPath), modified: c.modified.paths().map(formatPath), removed: c.removed.paths().map(formatPath) };
}

void describe('compareObjects', () => {
  void it('reports changed, added and removed scalars', () => {
    assert.deepEqual(diff({ spec: { replicas: 1, paused: true } }, { spec: { replicas: 2, args: ['a'] } }), {
      added: ['.spec.args'],
      modified: ['.spec.replicas'],
      removed: ['.spec.paused'],
    });
  });

  void it('reports an added or removed granular object itself, besides its content', () => {
    assert.deepEqual(diff({ spec: {} }, { spec: { settings: { a: 'x' } } }).added, ['.spec.settings', '.spec.settings.a']);
    assert.deepEqual(diff({ spec: { settings: { a: 'x' } } }, { spec: {} }).removed, ['.spec.settings', '.spec.settings.a']);
    assert.deepEqual(diff({ spec: { settings: { a: 'x' } } }, { spec: { settings: { a: 'x', b: 'y' } } }).added, ['.spec.settings.b']);
  });

  void it('compares an empty object as a value', () => {
    assert.deepEqual(diff({ spec: {} }, { spec: { settings: {} } }).added, ['.spec.settings']);
    assert.deepEqual(diff({ spec: { settings: {} } }, { spec: { settings: {} } }), { added: [], modified: [], removed: [] });
  });

  void it('compares keyed list elements by key, whatever their order', () => {
    const older = { spec: { items: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] } };
    const newer = { spec: { items: [{ name: 'c', value: '3' }, { name: 'b', value: '2' }, { name: 'a', value: '9' }] } };
    assert.deepEqual(diff(older, newer), {
      added: ['.spec.items[name="c"]', '.spec.items[name="c"].name', '.spec.items[name="c"].value'],
      modified: ['.spec.items[name="a"].value'],
      removed: [],
    });
  });

  void it('keys elements with the schema default of a missing key field', () => {
    const older = { spec: { ports: [{ port: 80 }] } };
    const newer = { spec: { ports: [{ port: 80, protocol: 'TCP', name: 'http' }] } };
    assert.deepEqual(diff(older, newer).added, ['.spec.ports[port=80,protocol="TCP"].name', '.spec.ports[port=80,protocol="TCP"].protocol']);
  });

  void it('compares set elements by value and atomic lists and objects whole', () => {
    assert.deepEqual(diff({ spec: { tags: ['a', 'b'] } }, { spec: { tags: ['b', 'c'] } }), {
      added: ['.spec.tags[="c"]'],
      modified: [],
      removed: ['.spec.tags[="a"]'],
    });
    assert.deepEqual(diff({ spec: { args: ['a'] } }, { spec: { args: ['a', 'b'] } }).modified, ['.spec.args']);
    assert.deepEqual(diff({ spec: { selector: { a: '1' } } }, { spec: { selector: { a: '2' } } }).modified, ['.spec.selector']);
  });

  void it('treats a list it cannot key as atomic rather than failing', () => {
    assert.deepEqual(diff({ spec: { items: [{ value: 'x' }] } }, { spec: { items: [{ value: 'y' }] } }).modified, ['.spec.items']);
  });

  void it('deduces open objects: granular maps, atomic lists', () => {
    assert.deepEqual(diff({ spec: { extra: { a: { b: 1 }, l: [1] } } }, { spec: { extra: { a: { b: 2 }, l: [1, 2] } } }).modified, [
      '.spec.extra.a.b',
      '.spec.extra.l',
    ]);
  });

  void it('reports containers of a Deployment by name and ignores excluded fields', () => {
    const older = { spec: { template: { spec: { containers: [{ name: 'web', image: 'a' }] } } }, status: { replicas: 1 } };
    const newer = { spec: { template: { spec: { containers: [{ name: 'web', image: 'b' }] } } }, status: { replicas: 2 } };
    const c = excludeFields(compareObjects(older, newer, DEPLOYMENT), FieldSet.of(['f:status']));
    assert.deepEqual(c.modified.paths().map(formatPath), ['.spec.template.spec.containers[name="web"].image']);
  });
});
