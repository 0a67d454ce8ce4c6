/**
 * Deployments (apps/v1): defaulting (1 replica, RollingUpdate 25%/25%, 10 revisions kept, 600s
 * progress deadline, pod template defaults), validation (selector, template, strategy, counts;
 * the selector is immutable), the table row (READY n/m, UP-TO-DATE, AVAILABLE).
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { count, isObject, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { FIELD_IMMUTABLE, forbidden, invalid, notSupported, required } from '../../validation/field-errors.ts';
import {
  containerCells,
  defaultWorkloadTemplate,
  intOrPercentValue,
  selectorCell,
  validateIntOrPercent,
  validateNonNegativeFields,
  validateReplicatedTemplate,
  validateWorkloadSelector,
} from './workload.ts';

export const deploymentType: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  singular: 'deployment',
  listKind: 'DeploymentList',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
};

export function defaultDeployment(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (!isObject(spec.strategy)) spec.strategy = {};
  const strategy = spec.strategy as JsonObject;
  if (strategy.type === undefined || strategy.type === null || strategy.type === '') strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isObject(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    const ru = strategy.rollingUpdate as JsonObject;
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null) spec.progressDeadlineSeconds = 600;
  defaultWorkloadTemplate(obj);
}

function validateStrategy(strategy: unknown): FieldError[] {
  if (!isObject(strategy)) return [required('spec.strategy')];
  switch (strategy.type) {
    case 'Recreate':
      return strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null
        ? [forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case 'RollingUpdate': {
      const ru: unknown = strategy.rollingUpdate;
      if (!isObject(ru)) return [required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')];
      const errs = [
        ...validateIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable', true),
        ...validateIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge', false),
      ];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
      }
      return errs;
    }
    default:
      return [notSupported('spec.strategy', strategy.type ?? '', ['Recreate', 'RollingUpdate'])];
  }
}

export function validateDeployment(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs = validateNonNegativeFields(spec, ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds']);
  errs.push(...validateWorkloadSelector(spec, 'deployment'));
  errs.push(...validateReplicatedTemplate(spec, 'ReplicaSet'));
  errs.push(...validateStrategy(spec.strategy));
  const deadline: unknown = spec.progressDeadlineSeconds;
  if (typeof deadline === 'number' && deadline <= (typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0)) {
    errs.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateDeploymentUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateDeployment(obj);
  const selector: unknown = isObject(obj.spec) ? obj.spec.selector : undefined;
  const oldSelector: unknown = isObject(old.spec) ? old.spec.selector : undefined;
  if (!deepEqual(selector ?? null, oldSelector ?? null)) errs.push(invalid('spec.selector', selector ?? null, FIELD_IMMUTABLE));
  return errs;
}

export const deploymentTableColumns: readonly TableColumnSpec[] = [
  column('Ready', 'string', 'Number of ready pods out of the desired replicas.'),
  column('Up-to-date', 'string', 'Number of pods running the latest pod template.'),
  column('Available', 'string', 'Number of pods available to serve.'),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  SELECTOR_COLUMN,
];

export function deploymentTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const [names, images] = containerCells(spec);
  return [
    `${count(status.readyReplicas)}/${count(spec.replicas)}`,
    count(status.updatedReplicas),
    count(status.availableReplicas),
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    names,
    images,
    selectorCell(spec.selector, '', '<invalid>'),
  ];
}
