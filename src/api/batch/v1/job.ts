/**
 * Jobs (batch/v1): defaulting (completions/parallelism 1, backoffLimit 6, NonIndexed, not
 * suspended, job labels from the template), the selector generated from the job's uid,
 * validation (restartPolicy OnFailure or Never; selector, template and completions fixed after
 * creation), and the STATUS / COMPLETIONS / DURATION columns.
 */
import { humanDuration, translateTimestampSince } from '../../meta/age.ts';
import { count, isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { FIELD_IMMUTABLE, invalid, notSupported, required } from '../../validation/field-errors.ts';
import { validatePodTemplate } from '../../core/v1/pod-spec-validation.ts';
import { containerCells, defaultWorkloadTemplate, selectorCell, templateLabels, validateNonNegativeFields, validateWorkloadSelector } from '../../apps/v1/workload.ts';

export const jobType: ResourceType = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  resource: 'jobs',
  singular: 'job',
  listKind: 'JobList',
  namespaced: true,
  shortNames: [],
  categories: ['all'],
};

/** The label pods of a job carry with the job's uid; the generated selector selects on it. */
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
/** The label pods of a job carry with the job's name. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
const LEGACY_JOB_NAME_LABEL = 'job-name';
const DEFAULT_BACKOFF_LIMIT = 6;
const MAX_INT32 = 2147483647;

function unset(v: unknown): boolean {
  return v === undefined || v === null;
}

export function defaultJob(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (unset(spec.completions) && unset(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (unset(spec.parallelism)) spec.parallelism = 1;
  if (unset(spec.backoffLimit)) spec.backoffLimit = unset(spec.backoffLimitPerIndex) ? DEFAULT_BACKOFF_LIMIT : MAX_INT32;
  const labels = templateLabels(spec);
  if (labels !== undefined && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...labels };
  if (str(spec.completionMode) === '') spec.completionMode = 'NonIndexed';
  if (unset(spec.suspend)) spec.suspend = false;
  if (str(spec.podReplacementPolicy) === '') spec.podReplacementPolicy = isObject(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
  defaultWorkloadTemplate(obj);
}

function manualSelector(spec: JsonObject): boolean {
  return spec.manualSelector === true;
}

/**
 * Unless the job asks for a manual selector, its pods get the job's name and uid as labels and
 * its selector selects that uid, so no two jobs ever select each other's pods.
 */
export function prepareJobForCreate(obj: KubeObject): void {
  obj.status = {};
  const spec: unknown = obj.spec;
  if (!isObject(spec) || manualSelector(spec)) return;
  const uid = obj.metadata.uid ?? '';
  if (!isObject(spec.template)) spec.template = {};
  const template = spec.template as JsonObject;
  if (!isObject(template.metadata)) template.metadata = {};
  if (!isObject(template.metadata.labels)) template.metadata.labels = {};
  const labels = template.metadata.labels as Record<string, string>;
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = obj.metadata.name ?? '';
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  if (!isObject(spec.selector)) spec.selector = {};
  if (!isObject(spec.selector.matchLabels)) spec.selector.matchLabels = {};
  if (!(CONTROLLER_UID_LABEL in spec.selector.matchLabels)) spec.selector.matchLabels[CONTROLLER_UID_LABEL] = uid;
}

export function validateJob(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs = validateNonNegativeFields(spec, ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']);
  const mode = str(spec.completionMode);
  if (mode !== '' && mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported('spec.completionMode', mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed' && unset(spec.completions)) errs.push(required('spec.completions', 'when completion mode is Indexed'));
  errs.push(...validateWorkloadSelector(spec, null));
  if (!manualSelector(spec) && isObject(spec.selector)) {
    const expected = { [CONTROLLER_UID_LABEL]: obj.metadata.uid ?? '' };
    if (!deepEqual(spec.selector.matchLabels ?? {}, expected) || objects(spec.selector.matchExpressions).length > 0) {
      errs.push(invalid('spec.selector', spec.selector, '`selector` not auto-generated'));
    }
  }
  errs.push(...validatePodTemplate(spec.template, 'spec.template'));
  const podSpec = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
  const restart: unknown = podSpec.restartPolicy;
  if (restart !== 'OnFailure' && restart !== 'Never') errs.push(notSupported('spec.template.spec.restartPolicy', restart ?? '', ['OnFailure', 'Never']));
  return errs;
}

export function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateJob(obj);
  const spec: JsonObject = isObject(obj.spec) ? obj.spec : {};
  const prev: JsonObject = isObject(old.spec) ? old.spec : {};
  for (const field of ['completions', 'selector', 'template', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!deepEqual(spec[field] ?? null, prev[field] ?? null)) errs.push(invalid(`spec.${field}`, spec[field] ?? null, FIELD_IMMUTABLE));
  }
  return errs;
}

export const jobTableColumns: readonly TableColumnSpec[] = [
  column('Status', 'string', 'Status of the job.'),
  column('Completions', 'string', 'Succeeded pods out of the completions wanted.'),
  column('Duration', 'string', 'Time the job took (or has taken so far) to complete.'),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  SELECTOR_COLUMN,
];

function hasCondition(status: JsonObject, type: string): boolean {
  const c = objects(status.conditions).find((cond) => cond.type === type);
  return c !== undefined && c.status === 'True';
}

function jobStatus(obj: KubeObject, status: JsonObject): string {
  if (hasCondition(status, 'Complete')) return 'Complete';
  if (hasCondition(status, 'Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp !== undefined) return 'Terminating';
  if (hasCondition(status, 'Suspended')) return 'Suspended';
  if (hasCondition(status, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function jobTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const succeeded = count(status.succeeded);
  let completions: string;
  if (typeof spec.completions === 'number') completions = `${succeeded}/${spec.completions}`;
  else completions = count(spec.parallelism) > 1 ? `${succeeded}/1 of ${count(spec.parallelism)}` : `${succeeded}/1`;
  const start = Date.parse(str(status.startTime));
  const end = Date.parse(str(status.completionTime));
  let duration = '';
  if (!Number.isNaN(start)) duration = humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
  const [names, images] = containerCells(spec);
  return [
    jobStatus(obj, status),
    completions,
    duration,
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    names,
    images,
    selectorCell(spec.selector),
  ];
}

export const jobFieldSelectors: Readonly<Record<string, (obj: KubeObject) => string>> = {
  'status.successful': (o) => String(isObject(o.status) ? count(o.status.succeeded) : 0),
};
