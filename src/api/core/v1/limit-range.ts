/**
 * LimitRanges (core/v1): per-container, per-pod and per-claim resource bounds of a namespace.
 * k8ts stores and serves them with upstream's defaulting (a container item's default limit
 * from its max, its default request from the default limit or the min) and validation
 * (min ≤ default request ≤ default ≤ max); it does not apply them to new pods.
 */
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import { column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { child, forbidden, index, invalid, key, notSupported, required } from '../../validation/field-errors.ts';
import { resourceValues, validateResourceList } from '../../validation/resource-list.ts';

export const limitRangeType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  resource: 'limitranges',
  singular: 'limitrange',
  listKind: 'LimitRangeList',
  namespaced: true,
  shortNames: ['limits'],
  categories: [],
};

const LIMIT_TYPES = ['Container', 'PersistentVolumeClaim', 'Pod'];
const BOUNDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

/** Copies entries of `from` missing in item[field], creating the map only when something is copied. */
function fillFrom(item: JsonObject, field: string, from: unknown): void {
  if (!isObject(from)) return;
  for (const [name, value] of Object.entries(from)) {
    if (!isObject(item[field])) item[field] = {};
    if (!(name in item[field])) item[field][name] = value;
  }
}

export function defaultLimitRange(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  for (const item of objects(spec.limits)) {
    if (item.type !== 'Container') continue;
    fillFrom(item, 'default', item.max);
    fillFrom(item, 'defaultRequest', item.default);
    fillFrom(item, 'defaultRequest', item.min);
  }
}

function validateItem(item: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(item.type);
  if (type === '') errs.push(required(child(path, 'type')));
  else if (!LIMIT_TYPES.includes(type)) errs.push(notSupported(child(path, 'type'), type, LIMIT_TYPES));
  for (const bound of BOUNDS) errs.push(...validateResourceList(item[bound], child(path, bound)));
  if (type === 'Pod' || type === 'PersistentVolumeClaim') {
    for (const bound of ['default', 'defaultRequest'] as const) {
      if (isObject(item[bound]) && Object.keys(item[bound]).length > 0) errs.push(forbidden(child(path, bound), `may not be specified when \`type\` is '${type}'`));
    }
  }
  if (type === 'PersistentVolumeClaim') {
    for (const bound of ['min', 'max'] as const) {
      const values = resourceValues(item[bound]);
      if (isObject(item[bound]) && !values.has('storage') && Object.keys(item[bound]).length > 0) {
        errs.push(required(child(path, bound), `${bound} storage must be specified when \`type\` is 'PersistentVolumeClaim'`));
      }
    }
  }
  const min = resourceValues(item.min);
  const max = resourceValues(item.max);
  const def = resourceValues(item.default);
  const defReq = resourceValues(item.defaultRequest);
  const raw = (field: string, name: string): unknown => (isObject(item[field]) ? item[field][name] : undefined);
  for (const [name, lo] of min) {
    const hi = max.get(name);
    if (hi !== undefined && lo > hi) errs.push(invalid(key(child(path, 'min'), name), raw('min', name), `min value ${str(raw('min', name))} is greater than max value ${str(raw('max', name))}`));
  }
  for (const [name, request] of defReq) {
    const lo = min.get(name);
    const limit = def.get(name);
    const hi = max.get(name);
    if (lo !== undefined && request < lo) errs.push(invalid(key(child(path, 'defaultRequest'), name), raw('defaultRequest', name), `min value ${str(raw('min', name))} is greater than default request value ${str(raw('defaultRequest', name))}`));
    if (limit !== undefined && request > limit) errs.push(invalid(key(child(path, 'defaultRequest'), name), raw('defaultRequest', name), `default request value ${str(raw('defaultRequest', name))} is greater than default limit value ${str(raw('default', name))}`));
    if (hi !== undefined && request > hi) errs.push(invalid(key(child(path, 'defaultRequest'), name), raw('defaultRequest', name), `default request value ${str(raw('defaultRequest', name))} is greater than max value ${str(raw('max', name))}`));
  }
  for (const [name, limit] of def) {
    const lo = min.get(name);
    const hi = max.get(name);
    if (lo !== undefined && limit < lo) errs.push(invalid(key(child(path, 'default'), name), raw('default', name), `min value ${str(raw('min', name))} is greater than default value ${str(raw('default', name))}`));
    if (hi !== undefined && limit > hi) errs.push(invalid(key(child(path, 'default'), name), raw('default', name), `default value ${str(raw('default', name))} is greater than max value ${str(raw('max', name))}`));
  }
  return errs;
}

export function validateLimitRange(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs: FieldError[] = [];
  objects(spec.limits).forEach((item, i) => errs.push(...validateItem(item, index('spec.limits', i))));
  return errs;
}

/** LimitRanges print Name and Created At, as kubectl shows them. */
export const limitRangeTableColumns: readonly TableColumnSpec[] = [
  { ...column('Created At', 'date', 'The time the limit range was created.') },
];

export function limitRangeTableRow(obj: KubeObject): unknown[] {
  return [obj.metadata.creationTimestamp ?? ''];
}
