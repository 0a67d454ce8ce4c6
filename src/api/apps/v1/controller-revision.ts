/**
 * ControllerRevisions (apps/v1): immutable snapshots of a StatefulSet's or DaemonSet's pod
 * template, numbered by `revision`, which the controllers keep for rolling updates and
 * `kubectl rollout history|undo`. `data` is any object and never changes after creation; the
 * CONTROLLER column names the owner as `<kind>.<group>/<name>`.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { FIELD_IMMUTABLE, invalid, required } from '../../validation/field-errors.ts';

export const controllerRevisionType: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  resource: 'controllerrevisions',
  singular: 'controllerrevision',
  listKind: 'ControllerRevisionList',
  namespaced: true,
  shortNames: [],
  categories: [],
};

export function validateControllerRevision(obj: KubeObject): FieldError[] {
  const revision: unknown = obj.revision;
  if (revision === undefined || revision === null) return [required('revision')];
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 0) return [invalid('revision', revision, 'must be greater than or equal to 0')];
  return [];
}

export function validateControllerRevisionUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateControllerRevision(obj);
  if (!deepEqual(obj.data ?? null, old.data ?? null)) errs.push(invalid('data', obj.data ?? null, FIELD_IMMUTABLE));
  return errs;
}

export const controllerRevisionTableColumns: readonly TableColumnSpec[] = [
  column('Controller', 'string', 'The controller that owns this revision.'),
  column('Revision', 'integer', 'The revision number.'),
  AGE_COLUMN,
];

export function controllerRevisionTableRow(obj: KubeObject, now: Date): unknown[] {
  const owner = obj.metadata.ownerReferences?.find((r) => r.controller === true);
  let controller = '<none>';
  if (owner !== undefined) {
    const group = owner.apiVersion.includes('/') ? owner.apiVersion.slice(0, owner.apiVersion.indexOf('/')) : '';
    controller = `${owner.kind.toLowerCase()}${group === '' ? '' : `.${group}`}/${owner.name}`;
  }
  return [controller, typeof obj.revision === 'number' ? obj.revision : 0, translateTimestampSince(obj.metadata.creationTimestamp, now)];
}
