/**
 * CronJobs (batch/v1): defaulting (concurrencyPolicy Allow, not suspended, keep 3 successful
 * and 1 failed job; the job template's pod spec defaulted like any pod's), validation (the cron
 * schedule, the time zone, the concurrency policy, the job template, names of at most 52
 * characters so the jobs' generated names fit), and the SCHEDULE / TIMEZONE / SUSPEND / ACTIVE
 * / LAST SCHEDULE columns.
 */
import { defaultPodTemplate } from '../../core/v1/pod-spec-defaults.ts';
import { validatePodTemplate } from '../../core/v1/pod-spec-validation.ts';
import { translateTimestampSince } from '../../meta/age.ts';
import { asArray, isObject, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { invalid, notSupported, required } from '../../validation/field-errors.ts';
import { validateLabelSelector } from '../../validation/label-selector.ts';
import { containerCells, selectorCell, validateNonNegativeFields } from '../../apps/v1/workload.ts';
import { parseCronSchedule } from './cron-schedule.ts';

export const cronJobType: ResourceType = {
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  resource: 'cronjobs',
  singular: 'cronjob',
  listKind: 'CronJobList',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
};

/** Longest CronJob name: its jobs are named `<name>-<11-digit timestamp>`, which must stay a valid label. */
export const MAX_CRONJOB_NAME_LENGTH = 52;
const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function unset(v: unknown): boolean {
  return v === undefined || v === null;
}

export function defaultCronJob(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (str(spec.concurrencyPolicy) === '') spec.concurrencyPolicy = 'Allow';
  if (unset(spec.suspend)) spec.suspend = false;
  if (unset(spec.successfulJobsHistoryLimit)) spec.successfulJobsHistoryLimit = 3;
  if (unset(spec.failedJobsHistoryLimit)) spec.failedJobsHistoryLimit = 1;
  const template = isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
  if (template !== undefined) defaultPodTemplate(template.template);
}

function validateSchedule(spec: JsonObject): FieldError[] {
  const schedule: unknown = spec.schedule;
  if (typeof schedule !== 'string' || schedule === '') return [required('spec.schedule')];
  if (schedule.includes('TZ')) {
    const detail = unset(spec.timeZone)
      ? 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'
      : 'cannot use both timeZone field and TZ or CRON_TZ in schedule';
    return [invalid('spec.schedule', schedule, detail)];
  }
  const parsed = parseCronSchedule(schedule);
  return parsed.ok ? [] : [invalid('spec.schedule', schedule, parsed.error)];
}

/** Whether the runtime knows the IANA zone (Intl accepts exactly the zones of the tz database). */
function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function validateTimeZone(zone: unknown): FieldError[] {
  if (unset(zone)) return [];
  const path = 'spec.timeZone';
  if (typeof zone !== 'string' || zone === '') return [invalid(path, zone, 'timeZone must be nil or non-empty string')];
  if (zone.toLowerCase() === 'local') return [invalid(path, zone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  const wellFormed = zone.split('/').every((part) => part !== '.' && part !== '..' && !part.startsWith('-') && TIME_ZONE_PART.test(part));
  if (!wellFormed || !knownTimeZone(zone)) return [invalid(path, zone, `unknown time zone ${zone}`)];
  return [];
}

/** The job template: a job spec whose pods restart OnFailure or Never (its selector is generated per job). */
function validateJobTemplate(template: unknown): FieldError[] {
  const path = 'spec.jobTemplate';
  if (!isObject(template)) return [required(path)];
  const spec: unknown = template.spec;
  if (!isObject(spec)) return [required(`${path}.spec`)];
  const errs = validateNonNegativeFields(spec, ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']).map(
    (e) => ({ ...e, field: `${path}.${e.field}` }),
  );
  const mode = str(spec.completionMode);
  if (mode !== '' && mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${path}.spec.completionMode`, mode, ['NonIndexed', 'Indexed']));
  errs.push(...validateLabelSelector(spec.selector, `${path}.spec.selector`));
  errs.push(...validatePodTemplate(spec.template, `${path}.spec.template`));
  const podSpec = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
  const restart: unknown = podSpec.restartPolicy;
  if (restart !== 'OnFailure' && restart !== 'Never') {
    errs.push(notSupported(`${path}.spec.template.spec.restartPolicy`, restart ?? '', ['OnFailure', 'Never']));
  }
  return errs;
}

export function validateCronJob(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs: FieldError[] = [...validateSchedule(spec), ...validateTimeZone(spec.timeZone)];
  const policy = str(spec.concurrencyPolicy);
  if (policy === '') errs.push(required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY_POLICIES.includes(policy)) errs.push(notSupported('spec.concurrencyPolicy', policy, CONCURRENCY_POLICIES));
  errs.push(...validateNonNegativeFields(spec, ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']));
  errs.push(...validateJobTemplate(spec.jobTemplate));
  return errs;
}

/** On create only (a long name that already exists stays updatable, as upstream). */
export function validateCronJobCreate(obj: KubeObject): FieldError[] {
  const errs = validateCronJob(obj);
  const name = obj.metadata.name ?? '';
  if (name.length > MAX_CRONJOB_NAME_LENGTH) errs.push(invalid('metadata.name', name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
  return errs;
}

export const cronJobTableColumns: readonly TableColumnSpec[] = [
  column('Schedule', 'string', 'The schedule in cron format.'),
  column('Timezone', 'string', 'The time zone the schedule is read in.'),
  column('Suspend', 'boolean', 'Whether scheduled runs are suspended.'),
  column('Active', 'integer', 'How many jobs of the cron job are running.'),
  column('Last Schedule', 'string', 'Time since a job was last scheduled.'),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  SELECTOR_COLUMN,
];

export function cronJobTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const jobSpec = isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {};
  const lastSchedule = str(status.lastScheduleTime);
  const [names, images] = containerCells(jobSpec);
  return [
    str(spec.schedule),
    typeof spec.timeZone === 'string' ? spec.timeZone : '<none>',
    typeof spec.suspend === 'boolean' ? (spec.suspend ? 'True' : 'False') : '<unset>',
    asArray(status.active).length,
    lastSchedule === '' ? '<none>' : translateTimestampSince(lastSchedule, now),
    translateTimestampSince(obj.metadata.creationTimestamp, now),
    names,
    images,
    selectorCell(jobSpec.selector),
  ];
}
