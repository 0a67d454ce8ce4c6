import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './field-set.ts';
import { comparePathElements, fieldElement as f, formatPath, keyElement, valueElement } from './path-element.ts';

const k = (fields: Record<string, unknown>) => keyElement(new Map(Object.entries(fields)));

void describe('path elements', () => {
  void it('write keys with their fields sorted by name, and values as JSON', () => {
    assert.equal(k({ protocol: 'TCP', containerPort: 80 }), 'k:{"containerPort":80,"protocol":"TCP"}');
    assert.equal(valueElement('example.com/x'), 'v:"example.com/x"');
    assert.equal(valueElement(3), 'v:3');
  });

  void it('print paths as upstream conflicts do', () => {
    assert.equal(formatPath([f('spec'), f('replicas')]), '.spec.replicas');
    assert.equal(formatPath([f('spec'), f('containers'), k({ name: 'web' }), f('image')]), '.spec.containers[name="web"].image');
    assert.equal(formatPath([f('ports'), k({ containerPort: 80, protocol: 'TCP' })]), '.ports[containerPort=80,protocol="TCP"]');
    assert.equal(formatPath([f('finalizers'), valueElement('a')]), '.finalizers[="a"]');
    assert.equal(formatPath([f('args'), 'i:2']), '.args[2]');
  });

  void it('order fields before keys before values before indexes, keys by value', () => {
    const sorted = ['i:1', 'v:"a"', k({ port: 443 }), f('b'), k({ port: 80 }), f('a')].sort(comparePathElements);
    assert.deepEqual(sorted, [f('a'), f('b'), k({ port: 80 }), k({ port: 443 }), 'v:"a"', 'i:1']);
  });
});

void describe('FieldSet', () => {
  const labels = [f('metadata'), f('labels')];
  const app = [...labels, f('app')];
  const replicas = [f('spec'), f('replicas')];

  void it('holds a path and the paths below it independently', () => {
    const s = FieldSet.of(app, replicas);
    assert.equal(s.has(app), true);
    assert.equal(s.has(labels), false);
    assert.equal(FieldSet.of(labels, app).has(labels), true);
    assert.equal(s.has([]), false);
  });

  void it('writes FieldsV1 with "." for a member that has children, and reads it back', () => {
    const s = FieldSet.of(labels, app, replicas, [f('spec'), f('selector')]);
    const v1 = s.toFieldsV1();
    assert.deepEqual(v1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {}, 'f:selector': {} } });
    assert.deepEqual(Object.keys(v1['f:metadata'] as object), ['f:labels']);
    assert.deepEqual(Object.keys((v1['f:metadata'] as Record<string, object>)['f:labels']!), ['.', 'f:app']);
    assert.ok(FieldSet.fromFieldsV1(v1).equals(s));
  });

  void it('reads FieldsV1 leniently: unknown element kinds are skipped, malformed entries throw', () => {
    const s = FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {}, 'x:future': {} }, '.': {} });
    assert.ok(s.equals(FieldSet.of(replicas)));
    assert.throws(() => FieldSet.fromFieldsV1({ 'f:spec': 1 }));
    assert.throws(() => FieldSet.fromFieldsV1([]));
  });

  void it('lists its paths in serialization order', () => {
    const s = FieldSet.of(replicas, app, labels);
    assert.deepEqual(s.paths().map(formatPath), ['.metadata.labels', '.metadata.labels.app', '.spec.replicas']);
  });

  void it('unions, intersects and subtracts', () => {
    const a = FieldSet.of(app, replicas);
    const b = FieldSet.of(replicas, labels);
    assert.ok(a.union(b).equals(FieldSet.of(app, replicas, labels)));
    assert.ok(a.intersection(b).equals(FieldSet.of(replicas)));
    assert.ok(a.difference(b).equals(FieldSet.of(app)), 'a plain difference keeps paths below a removed member');
    assert.ok(a.recursiveDifference(b).equals(FieldSet.EMPTY), 'a recursive difference takes them too');
    assert.equal(FieldSet.of(app).difference(FieldSet.of(app)).isEmpty(), true);
  });
});
