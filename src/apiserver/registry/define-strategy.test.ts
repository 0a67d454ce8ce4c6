import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.ts';
import { defineStrategy, keepStatus, takeOnlyStatus } from './define-strategy.ts';

const type = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  resource: 'widgets',
  singular: 'widget',
  listKind: 'WidgetList',
  namespaced: true,
  shortNames: [],
  categories: [],
};

function widget(spec: unknown, status?: unknown): KubeObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'd', creationTimestamp: '2024-05-01T00:00:00Z' }, spec, status };
}

void test('a bare strategy: no status handling, immediate deletion, generation on spec change', () => {
  const s = defineStrategy({ type });
  assert.equal(s.hasStatus, false);
  assert.equal(s.scale, null);
  assert.deepEqual(s.nameValidator('Bad_Name', false).length, 1);
  const obj = widget({ size: 1 }, { ready: true });
  s.prepareForCreate(obj);
  assert.deepEqual(obj.status, { ready: true });
  assert.equal(s.gracePeriodSeconds(obj, 30), 0);
  assert.deepEqual(s.validateCreate(obj), []);
  assert.deepEqual(s.deletionBlockers(obj), []);
  assert.ok(s.changesGeneration(widget({ size: 2 }), widget({ size: 1 })));
  assert.ok(!s.changesGeneration(widget({ size: 1 }, { x: 1 }), widget({ size: 1 })));
  assert.deepEqual(s.tableColumns.map((c) => c.name), ['Created At']);
  assert.deepEqual(s.tableRow(obj, new Date()), ['2024-05-01T00:00:00Z']);
});

void test('with a status subresource: status reset on create, kept on update', () => {
  const s = defineStrategy({ type, hasStatus: true });
  const created = widget({ size: 1 }, { ready: true });
  s.prepareForCreate(created);
  assert.deepEqual(created.status, {});
  const next = widget({ size: 2 }, { ready: false });
  s.prepareForUpdate(next, widget({ size: 1 }, { ready: true }));
  assert.deepEqual(next.status, { ready: true });
  assert.deepEqual(next.spec, { size: 2 });
});

void test('a status update takes only the status', () => {
  const old = widget({ size: 1 }, { ready: false });
  old.metadata.labels = { a: 'b' };
  const next = widget({ size: 9 }, { ready: true });
  next.metadata.labels = { c: 'd' };
  next.extra = 'x';
  takeOnlyStatus(next, old);
  assert.deepEqual(next, { ...old, status: { ready: true } });
  const cleared = widget({ size: 1 });
  keepStatus(cleared, widget({ size: 1 }));
  assert.equal('status' in cleared, false);
});

void test('overrides replace the defaults', () => {
  const s = defineStrategy({ type, gracePeriodSeconds: () => 7, changesGeneration: () => false, deletionBlockers: () => ['x'] });
  assert.equal(s.gracePeriodSeconds(widget({}), undefined), 7);
  assert.equal(s.changesGeneration(widget({ a: 1 }), widget({ a: 2 })), false);
  assert.deepEqual(s.deletionBlockers(widget({})), ['x']);
});
