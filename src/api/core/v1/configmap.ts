/**
 * ConfigMaps (core/v1): data and binaryData keys must be valid config keys and distinct across
 * the two maps, their values together at most 1 MiB; `immutable` ones keep their content.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { forbidden, invalid, key, tooLong } from '../../validation/field-errors.ts';
import { MAX_CONFIG_DATA_SIZE, base64MapSize, validateDataKeys } from '../../validation/config-data.ts';
import { byteLength } from '../../validation/names.ts';

export const configMapType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  listKind: 'ConfigMapList',
  namespaced: true,
  shortNames: ['cm'],
  categories: [],
};

function map(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {};
}

export function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['data', 'binaryData']) {
    if (obj[field] !== undefined && obj[field] !== null && !isObject(obj[field])) errs.push(invalid(field, obj[field], 'must be a map'));
  }
  const data = map(obj.data);
  const binary = map(obj.binaryData);
  errs.push(...validateDataKeys(data, 'data'), ...validateDataKeys(binary, 'binaryData'));
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') errs.push(invalid(key('data', k), v, 'must be a string'));
    else total += byteLength(v);
    if (k in binary) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
  }
  for (const k of Object.keys(binary)) {
    if (k in data) errs.push(invalid(key('binaryData', k), k, 'duplicate of key present in data'));
  }
  total += base64MapSize(binary, 'binaryData', errs);
  // Upstream reports the total against the whole object, whose path prints as `[]`.
  if (total > MAX_CONFIG_DATA_SIZE) errs.push(tooLong('[]', MAX_CONFIG_DATA_SIZE));
  return errs;
}

export function validateConfigMapUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateConfigMap(obj);
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(obj.data ?? {}, old.data ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual(obj.binaryData ?? {}, old.binaryData ?? {})) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export const configMapTableColumns: readonly TableColumnSpec[] = [column('Data', 'string', 'The number of entries in data and binaryData.'), AGE_COLUMN];

export function configMapTableRow(obj: KubeObject, now: Date): unknown[] {
  return [Object.keys(map(obj.data)).length + Object.keys(map(obj.binaryData)).length, translateTimestampSince(obj.metadata.creationTimestamp, now)];
}
