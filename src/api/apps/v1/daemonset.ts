/**
 * DaemonSets (apps/v1): RollingUpdate (maxUnavailable 1, maxSurge 0) and 10 revisions by
 * default; a selector matching an always-restarting template, exactly one of maxUnavailable and
 * maxSurge non-zero, an immutable selector; DESIRED … NODE SELECTOR columns.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { count, isObject, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { FIELD_IMMUTABLE, invalid, notSupported, required } from '../../validation/field-errors.ts';
import { validatePodTemplate } from '../../core/v1/pod-spec-validation.ts';
import { formatLabels } from '../../labels/requirement.ts';
import {
  containerCells,
  defaultWorkloadTemplate,
  intOrPercentValue,
  selectorCell,
  validateIntOrPercent,
  validateNonNegativeFields,
  validateWorkloadSelector,
} from './workload.ts';

export const daemonSetType: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  resource: 'daemonsets',
  singular: 'daemonset',
  listKind: 'DaemonSetList',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
};

export function defaultDaemonSet(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (!isObject(spec.updateStrategy)) spec.updateStrategy = {};
  const strategy = spec.updateStrategy as JsonObject;
  if (strategy.type === undefined || strategy.type === null || strategy.type === '') strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    if (!isObject(strategy.rollingUpdate)) strategy.rollingUpdate = {};
    const ru = strategy.rollingUpdate as JsonObject;
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  defaultWorkloadTemplate(obj);
}

function validateUpdateStrategy(strategy: unknown): FieldError[] {
  const s = isObject(strategy) ? strategy : {};
  switch (s.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      const ru: unknown = s.rollingUpdate;
      if (!isObject(ru)) return [required('spec.updateStrategy.rollingUpdate')];
      const path = 'spec.updateStrategy.rollingUpdate';
      const errs = [...validateIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`, true), ...validateIntOrPercent(ru.maxSurge, `${path}.maxSurge`, true)];
      const unavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const surge = intOrPercentValue(ru.maxSurge) !== 0;
      if (unavailable && surge) errs.push(invalid(`${path}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
      if (!unavailable && !surge) errs.push(required(`${path}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default:
      return [notSupported('spec.updateStrategy', s, ['RollingUpdate', 'OnDelete'])];
  }
}

export function validateDaemonSet(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs = validateWorkloadSelector(spec, 'daemonset');
  errs.push(...validatePodTemplate(spec.template, 'spec.template'));
  const podSpec = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
  if (podSpec.restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy ?? '', ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(invalid('spec.template.spec.activeDeadlineSeconds', podSpec.activeDeadlineSeconds, 'activeDeadlineSeconds must be nil for daemon set'));
  }
  errs.push(...validateNonNegativeFields(spec, ['minReadySeconds', 'templateGeneration', 'revisionHistoryLimit']));
  errs.push(...validateUpdateStrategy(spec.updateStrategy));
  return errs;
}

export function validateDaemonSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateDaemonSet(obj);
  const selector: unknown = isObject(obj.spec) ? obj.spec.selector : undefined;
  const oldSelector: unknown = isObject(old.spec) ? old.spec.selector : undefined;
  if (!deepEqual(selector ?? null, oldSelector ?? null)) errs.push(invalid('spec.selector', selector ?? null, FIELD_IMMUTABLE));
  return errs;
}

export const daemonSetTableColumns: readonly TableColumnSpec[] = [
  column('Desired', 'integer', 'The number of nodes that should run the daemon pod.'),
  column('Current', 'integer', 'The number of nodes running at least one daemon pod.'),
  column('Ready', 'integer', 'The number of nodes whose daemon pod is ready.'),
  column('Up-to-date', 'integer', 'The number of nodes running the latest daemon pod template.'),
  column('Available', 'integer', 'The number of nodes whose daemon pod is available.'),
  column('Node Selector', 'string', 'The node selector of the pod template.'),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  SELECTOR_COLUMN,
];

export function daemonSetTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const podSpec = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
  const [names, images] = containerCells(spec);
  return [
    count(status.desiredNumberScheduled),
    count(status.currentNumberScheduled),
    count(status.numberReady),
    count(status.updatedNumberScheduled),
    count(status.numberAvailable),
    formatLabels(isObject(podSpec.nodeSelector) ? podSpec.nodeSelector : undefined),
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    names,
    images,
    selectorCell(spec.selector),
  ];
}
