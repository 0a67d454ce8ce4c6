/**
 * Events (core/v1): validation of the involved object's namespace and of the fields new-style
 * events (with eventTime) must carry, the columns `kubectl get events` shows (LAST SEEN, TYPE,
 * REASON, OBJECT, MESSAGE; the object name comes last and only with -o wide), and the field
 * selectors event watchers use.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, str, type JsonObject } from '../../meta/shape.ts';
import { column, wideColumn, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { invalid, required } from '../../validation/field-errors.ts';
import { isDNS1123Subdomain, isQualifiedName } from '../../validation/names.ts';

export const eventType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Event',
  resource: 'events',
  singular: 'event',
  listKind: 'EventList',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
};

const SHORT_FIELD_LIMIT = 128;
const MESSAGE_LIMIT = 1024;

function involved(obj: KubeObject): JsonObject {
  return isObject(obj.involvedObject) ? obj.involvedObject : {};
}

export function validateEvent(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = obj.metadata.namespace ?? '';
  const involvedNamespace = str(involved(obj).namespace);
  if (str(obj.eventTime) === '') {
    // Old-style events: the namespaces must agree (a cluster-scoped object's events live in default).
    const agrees = involvedNamespace === '' ? namespace === '' || namespace === 'default' : namespace === involvedNamespace;
    if (!agrees) errs.push(invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') {
      errs.push(invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
    }
    const controller = str(obj.reportingComponent);
    if (controller === '') errs.push(required('reportingController'));
    else for (const msg of isQualifiedName(controller)) errs.push(invalid('reportingController', controller, msg));
    for (const field of ['reportingInstance', 'action', 'reason']) {
      const value = str(obj[field]);
      if (value === '') errs.push(required(field));
      else if (value.length > SHORT_FIELD_LIMIT) errs.push(invalid(field, '', `can have at most ${SHORT_FIELD_LIMIT} characters`));
    }
    if (str(obj.message).length > MESSAGE_LIMIT) errs.push(invalid('message', '', `can have at most ${MESSAGE_LIMIT} characters`));
  }
  for (const msg of isDNS1123Subdomain(namespace)) errs.push(invalid('namespace', namespace, msg));
  return errs;
}

export const eventTableColumns: readonly TableColumnSpec[] = [
  column('Last Seen', 'string', 'Time since the event was last observed.'),
  column('Type', 'string', 'The type of the event: Normal or Warning.'),
  column('Reason', 'string', 'A short machine-readable reason for the event.'),
  column('Object', 'string', 'The object the event is about, as kind/name.'),
  wideColumn('Subobject', 'string', 'The part of the object the event is about (involvedObject.fieldPath).'),
  wideColumn('Source', 'string', 'The component (and host) that reported the event.'),
  column('Message', 'string', 'A human-readable description of the event.'),
  wideColumn('First Seen', 'string', 'Time since the event was first observed.'),
  wideColumn('Count', 'string', 'How many times the event occurred.'),
  { name: 'Name', type: 'string', format: 'name', description: 'The name of the event object.', priority: 1 },
];

/** `kubelet, node-1`: the source component (or reporting controller) and host (or instance). */
function eventSource(obj: KubeObject): string {
  const source = isObject(obj.source) ? obj.source : {};
  const component = str(source.component) || str(obj.reportingComponent);
  const host = str(source.host) || str(obj.reportingInstance);
  return host === '' ? component : `${component}, ${host}`;
}

export function eventTableRow(obj: KubeObject, now: Date): unknown[] {
  const firstSeen = translateTimestampSince(str(obj.firstTimestamp) || str(obj.eventTime), now);
  let lastSeen = str(obj.lastTimestamp) === '' ? firstSeen : translateTimestampSince(str(obj.lastTimestamp), now);
  let count = typeof obj.count === 'number' && obj.count !== 0 ? obj.count : 1;
  if (isObject(obj.series)) {
    lastSeen = translateTimestampSince(str(obj.series.lastObservedTime), now);
    count = typeof obj.series.count === 'number' ? obj.series.count : count;
  }
  const ref = involved(obj);
  const kind = str(ref.kind).toLowerCase();
  const target = str(ref.name) === '' ? kind : `${kind}/${str(ref.name)}`;
  return [
    lastSeen,
    str(obj.type),
    str(obj.reason),
    target,
    str(ref.fieldPath),
    eventSource(obj),
    str(obj.message).trim(),
    firstSeen,
    count,
    obj.metadata.name ?? '',
  ];
}

function involvedField(field: string): (obj: KubeObject) => string {
  return (o) => str(involved(o)[field]);
}

/** Field selectors events support besides metadata.name and metadata.namespace. */
export const eventFieldSelectors: Readonly<Record<string, (obj: KubeObject) => string>> = {
  'involvedObject.kind': involvedField('kind'),
  'involvedObject.namespace': involvedField('namespace'),
  'involvedObject.name': involvedField('name'),
  'involvedObject.uid': involvedField('uid'),
  'involvedObject.apiVersion': involvedField('apiVersion'),
  'involvedObject.resourceVersion': involvedField('resourceVersion'),
  'involvedObject.fieldPath': involvedField('fieldPath'),
  reason: (o) => str(o.reason),
  reportingComponent: (o) => str(o.reportingComponent),
  source: (o) => (isObject(o.source) ? str(o.source.component) : '') || str(o.reportingComponent),
  type: (o) => str(o.type),
};
