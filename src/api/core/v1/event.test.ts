import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { eventFieldSelectors, eventTableColumns, eventTableRow, validateEvent } from './event.ts';

function event(extra: Record<string, unknown>, namespace = 'default'): KubeObject {
  return { metadata: { name: 'web.17b', namespace }, ...extra };
}

const involvedObject = { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', fieldPath: 'spec.containers{app}' };

void test('old-style events need the involved object in the same namespace', () => {
  assert.deepEqual(validateEvent(event({ involvedObject, reason: 'Started' })), []);
  assert.deepEqual(validateEvent(event({ involvedObject, reason: 'Started' }, 'other')).map(formatFieldError), [
    'involvedObject.namespace: Invalid value: "default": does not match event.namespace',
  ]);
  assert.deepEqual(validateEvent(event({ involvedObject: { kind: 'Node', name: 'n1' } })), []);
});

void test('new-style events need reporting fields', () => {
  const errs = validateEvent(event({ involvedObject, eventTime: '2024-05-01T12:00:00.000000Z' })).map(formatFieldError);
  assert.deepEqual(errs, ['reportingController: Required value', 'reportingInstance: Required value', 'action: Required value', 'reason: Required value']);
});

void test('row: last seen, type, reason, object, and the wide extras', () => {
  const e = event({
    involvedObject,
    reason: 'Pulled',
    type: 'Normal',
    message: ' Pulled image \n',
    source: { component: 'kubelet', host: 'node-a' },
    firstTimestamp: '2024-05-01T11:50:00Z',
    lastTimestamp: '2024-05-01T11:59:00Z',
    count: 3,
  });
  const row = eventTableRow(e, new Date('2024-05-01T12:00:00Z'));
  assert.equal(row.length, eventTableColumns.length);
  assert.deepEqual(row, ['60s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, node-a', 'Pulled image', '10m', 3, 'web.17b']);
  const single = eventTableRow(event({ involvedObject: { kind: 'Node' }, firstTimestamp: '2024-05-01T11:59:50Z' }), new Date('2024-05-01T12:00:00Z'));
  assert.deepEqual([single[0], single[3], single[8]], ['10s', 'node', 1]);
});

void test('field selectors on the involved object and the source', () => {
  const e = event({ involvedObject, reason: 'Started', type: 'Warning', reportingComponent: 'ctrl' });
  assert.equal(eventFieldSelectors['involvedObject.name']!(e), 'web');
  assert.equal(eventFieldSelectors['involvedObject.kind']!(e), 'Pod');
  assert.equal(eventFieldSelectors['involvedObject.uid']!(e), 'u1');
  assert.equal(eventFieldSelectors.source!(e), 'ctrl');
  assert.equal(eventFieldSelectors.type!(e), 'Warning');
});
