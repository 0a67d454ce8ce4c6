/**
 * Leases (coordination.k8s.io/v1): leader election and node heartbeats. A lease's duration must
 * be positive and its transition count non-negative; HOLDER shows spec.holderIdentity.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, str } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { invalid, nonNegative } from '../../validation/field-errors.ts';

export const leaseType: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  resource: 'leases',
  singular: 'lease',
  listKind: 'LeaseList',
  namespaced: true,
  shortNames: [],
  categories: [],
};

export function validateLease(obj: KubeObject): FieldError[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const errs: FieldError[] = [];
  const duration: unknown = spec.leaseDurationSeconds;
  if (duration !== undefined && duration !== null && (typeof duration !== 'number' || duration <= 0)) {
    errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  }
  errs.push(...nonNegative('spec.leaseTransitions', spec.leaseTransitions));
  return errs;
}

export const leaseTableColumns: readonly TableColumnSpec[] = [column('Holder', 'string', 'The identity of the holder of the lease.'), AGE_COLUMN];

export function leaseTableRow(obj: KubeObject, now: Date): unknown[] {
  return [isObject(obj.spec) ? str(obj.spec.holderIdentity) : '', translateTimestampSince(obj.metadata.creationTimestamp, now)];
}
