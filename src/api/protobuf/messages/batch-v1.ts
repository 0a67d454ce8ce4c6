/** batch/v1 Job and CronJob. */
import {
  int32, int32s, message, msg, msgs, optBool, optInt32, optInt64, optStr, str, strings, time, type MessageDescriptor,
} from '../descriptor.ts';
import { objectReference } from './core-v1-objects.ts';
import { podTemplateSpec } from './core-v1-pod.ts';
import { labelSelector, metadataField, objectMeta } from './meta-v1.ts';

const BATCH = 'k8s.io.api.batch.v1.';

export const podFailurePolicyRule: MessageDescriptor = message(`${BATCH}PodFailurePolicyRule`, {
  1: str('action'),
  2: msg(
    'onExitCodes',
    () => message(`${BATCH}PodFailurePolicyOnExitCodesRequirement`, { 1: optStr('containerName'), 2: str('operator'), 3: int32s('values') }),
  ),
  3: msgs('onPodConditions', () => message(`${BATCH}PodFailurePolicyOnPodConditionsPattern`, { 1: str('type'), 2: str('status') })),
});

export const successPolicyRule: MessageDescriptor = message(`${BATCH}SuccessPolicyRule`, {
  1: optStr('succeededIndexes'),
  2: optInt32('succeededCount'),
});

export const jobSpec: MessageDescriptor = message(`${BATCH}JobSpec`, {
  1: optInt32('parallelism'),
  2: optInt32('completions'),
  3: optInt64('activeDeadlineSeconds'),
  11: msg('podFailurePolicy', () => message(`${BATCH}PodFailurePolicy`, { 1: msgs('rules', () => podFailurePolicyRule) })),
  16: msg('successPolicy', () => message(`${BATCH}SuccessPolicy`, { 1: msgs('rules', () => successPolicyRule) })),
  7: optInt32('backoffLimit'),
  12: optInt32('backoffLimitPerIndex'),
  13: optInt32('maxFailedIndexes'),
  4: msg('selector', () => labelSelector),
  5: optBool('manualSelector'),
  6: msg('template', () => podTemplateSpec),
  8: optInt32('ttlSecondsAfterFinished'),
  9: optStr('completionMode'),
  10: optBool('suspend'),
  14: optStr('podReplacementPolicy'),
  15: optStr('managedBy'),
});

export const jobCondition: MessageDescriptor = message(`${BATCH}JobCondition`, {
  1: str('type'),
  2: str('status'),
  3: time('lastProbeTime'),
  4: time('lastTransitionTime'),
  5: str('reason'),
  6: str('message'),
});

export const jobStatus: MessageDescriptor = message(`${BATCH}JobStatus`, {
  1: msgs('conditions', () => jobCondition),
  2: time('startTime'),
  3: time('completionTime'),
  4: int32('active'),
  5: int32('succeeded'),
  6: int32('failed'),
  11: optInt32('terminating'),
  7: str('completedIndexes'),
  10: optStr('failedIndexes'),
  8: msg('uncountedTerminatedPods', () => message(`${BATCH}UncountedTerminatedPods`, { 1: strings('succeeded'), 2: strings('failed') })),
  9: optInt32('ready'),
});

export const job: MessageDescriptor = message(`${BATCH}Job`, {
  1: metadataField,
  2: msg('spec', () => jobSpec),
  3: msg('status', () => jobStatus),
});

export const jobTemplateSpec: MessageDescriptor = message(`${BATCH}JobTemplateSpec`, {
  1: msg('metadata', () => objectMeta),
  2: msg('spec', () => jobSpec),
});

export const cronJobSpec: MessageDescriptor = message(`${BATCH}CronJobSpec`, {
  1: str('schedule'),
  8: optStr('timeZone'),
  2: optInt64('startingDeadlineSeconds'),
  3: str('concurrencyPolicy'),
  4: optBool('suspend'),
  5: msg('jobTemplate', () => jobTemplateSpec),
  6: optInt32('successfulJobsHistoryLimit'),
  7: optInt32('failedJobsHistoryLimit'),
});

export const cronJobStatus: MessageDescriptor = message(`${BATCH}CronJobStatus`, {
  1: msgs('active', () => objectReference),
  4: time('lastScheduleTime'),
  5: time('lastSuccessfulTime'),
});

export const cronJob: MessageDescriptor = message(`${BATCH}CronJob`, {
  1: metadataField,
  2: msg('spec', () => cronJobSpec),
  3: msg('status', () => cronJobStatus),
});
