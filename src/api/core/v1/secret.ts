/**
 * Secrets (core/v1): type defaults to Opaque and `stringData` is folded into the base64 `data`
 * on every write; keys and the 1 MiB size are checked, plus the keys each well-known type
 * requires; the type never changes and `immutable` secrets keep their data.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { FIELD_IMMUTABLE, forbidden, invalid, key, required, tooLong } from '../../validation/field-errors.ts';
import { MAX_CONFIG_DATA_SIZE, base64MapSize, decodeBase64, validateDataKeys } from '../../validation/config-data.ts';

export const secretType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  resource: 'secrets',
  singular: 'secret',
  listKind: 'SecretList',
  namespaced: true,
  shortNames: [],
  categories: [],
};

/** The annotation a service-account-token secret names its ServiceAccount with. */
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

/** Type Opaque when unset; stringData entries overwrite data entries (base64-encoded) and go away. */
export function defaultSecret(obj: KubeObject): void {
  if (str(obj.type) === '') obj.type = 'Opaque';
  if (isObject(obj.stringData)) {
    const data = isObject(obj.data) ? obj.data : {};
    for (const [k, v] of Object.entries(obj.stringData)) {
      if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
    }
    obj.data = data;
  }
  delete obj.stringData;
}

function decoded(obj: KubeObject, k: string): Buffer | undefined {
  const v: unknown = isObject(obj.data) ? obj.data[k] : undefined;
  return typeof v === 'string' ? decodeBase64(v) : undefined;
}

function has(obj: KubeObject, k: string): boolean {
  return isObject(obj.data) && k in obj.data;
}

function validateJsonEntry(obj: KubeObject, k: string, errs: FieldError[]): void {
  if (!has(obj, k)) {
    errs.push(required(key('data', k)));
    return;
  }
  try {
    JSON.parse((decoded(obj, k) ?? Buffer.alloc(0)).toString('utf8'));
  } catch (err) {
    errs.push(invalid(key('data', k), '<secret contents redacted>', err instanceof Error ? err.message : String(err)));
  }
}

function validateType(obj: KubeObject, errs: FieldError[]): void {
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      if ((obj.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] ?? '') === '') {
        errs.push(required(key('metadata.annotations', SERVICE_ACCOUNT_NAME_ANNOTATION)));
      }
      break;
    case 'kubernetes.io/dockercfg':
      validateJsonEntry(obj, '.dockercfg', errs);
      break;
    case 'kubernetes.io/dockerconfigjson':
      validateJsonEntry(obj, '.dockerconfigjson', errs);
      break;
    case 'kubernetes.io/basic-auth':
      if (!has(obj, 'username') && !has(obj, 'password')) errs.push(required(key('data', 'username')), required(key('data', 'password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if ((decoded(obj, 'ssh-privatekey')?.length ?? 0) === 0) errs.push(required(key('data', 'ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!has(obj, 'tls.crt')) errs.push(required(key('data', 'tls.crt')));
      if (!has(obj, 'tls.key')) errs.push(required(key('data', 'tls.key')));
      break;
  }
}

export function validateSecret(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.data !== undefined && obj.data !== null && !isObject(obj.data)) {
    errs.push(invalid('data', obj.data, 'must be a map'));
    return errs;
  }
  const data = isObject(obj.data) ? obj.data : {};
  errs.push(...validateDataKeys(data, 'data'));
  if (base64MapSize(data, 'data', errs) > MAX_CONFIG_DATA_SIZE) errs.push(tooLong('data', MAX_CONFIG_DATA_SIZE));
  validateType(obj, errs);
  return errs;
}

export function validateSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateSecret(obj);
  if ((obj.type ?? '') !== (old.type ?? '')) errs.push(invalid('type', obj.type ?? '', FIELD_IMMUTABLE));
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(obj.data ?? {}, old.data ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export const secretTableColumns: readonly TableColumnSpec[] = [
  column('Type', 'string', 'The type of the secret.'),
  column('Data', 'string', 'The number of entries in data.'),
  AGE_COLUMN,
];

export function secretTableRow(obj: KubeObject, now: Date): unknown[] {
  return [str(obj.type), Object.keys(isObject(obj.data) ? obj.data : {}).length, translateTimestampSince(obj.metadata.creationTimestamp, now)];
}

export const secretFieldSelectors: Readonly<Record<string, (obj: KubeObject) => string>> = {
  type: (o) => str(o.type),
};
