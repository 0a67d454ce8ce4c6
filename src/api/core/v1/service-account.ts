/**
 * ServiceAccounts (core/v1): nothing to default or check beyond object metadata and the names
 * of referenced secrets; SECRETS counts the secrets listed.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { asArray, isObject, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { index, invalid } from '../../validation/field-errors.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';

export const serviceAccountType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  listKind: 'ServiceAccountList',
  namespaced: true,
  shortNames: ['sa'],
  categories: [],
};

export function validateServiceAccount(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['secrets', 'imagePullSecrets']) {
    asArray(obj[field]).forEach((ref, i) => {
      const name = isObject(ref) ? str(ref.name) : '';
      if (name !== '') for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(`${index(field, i)}.name`, name, msg));
    });
  }
  return errs;
}

export const serviceAccountTableColumns: readonly TableColumnSpec[] = [column('Secrets', 'string', 'The number of secrets listed by the service account.'), AGE_COLUMN];

export function serviceAccountTableRow(obj: KubeObject, now: Date): unknown[] {
  return [asArray(obj.secrets).length, translateTimestampSince(obj.metadata.creationTimestamp, now)];
}
