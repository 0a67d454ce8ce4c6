/** batch/v1 Job and CronJob. */
import type { SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, atomicList, bool, int32, int64, keyedList, kindWithList, loose, META, obj, ref, str, time,
} from './dsl.ts';

const batch = apiPrefix('batch', 'v1');
const core = apiPrefix('', 'v1');

export const batchV1Schemas: SchemaSet = {
  ...kindWithList({ group: 'batch', version: 'v1', kind: 'Job' }, 'Runs pods until a number of them complete successfully.', {
    spec: ref(`${batch}JobSpec`, 'The desired behaviour of the job.'),
    status: ref(`${batch}JobStatus`, 'The observed state of the job.'),
  }),
  [`${batch}JobSpec`]: obj(
    'The desired behaviour of a job.',
    {
      parallelism: int32('Most pods running at once. Defaults to 1.'),
      completions: int32('Successful pods needed to finish.'),
      activeDeadlineSeconds: int64('Seconds the job may be active before it is failed.'),
      podFailurePolicy: loose('Rules for pod failures that end the job or are ignored.'),
      successPolicy: loose('Rules for declaring an indexed job successful early.'),
      backoffLimit: int32('Retries before the job is failed. Defaults to 6.'),
      backoffLimitPerIndex: int32('Retries per index of an indexed job.'),
      maxFailedIndexes: int32('Failed indexes tolerated before the job is failed.'),
      selector: ref(`${META}LabelSelector`, 'Labels of the job pods; generated unless manualSelector.'),
      manualSelector: bool('Uses the given selector instead of a generated one.'),
      template: ref(`${core}PodTemplateSpec`, 'The pods to run; restartPolicy must be Never or OnFailure.'),
      ttlSecondsAfterFinished: int32('Seconds after finishing before the job is deleted.'),
      completionMode: str('`NonIndexed` (default) or `Indexed`.'),
      suspend: bool('Stops creating pods and deletes running ones while true.'),
      podReplacementPolicy: str('When replacement pods are created: `TerminatingOrFailed` or `Failed`.'),
      managedBy: str('The controller that manages the job.'),
    },
    { required: ['template'] },
  ),
  [`${batch}JobStatus`]: obj('The observed state of a job.', {
    conditions: keyedList(ref(`${batch}JobCondition`), 'type', 'Conditions of the job, such as Complete and Failed.', { listType: 'atomic' }),
    startTime: time('When the job controller started the job.'),
    completionTime: time('When the job completed.'),
    active: int32('Pods running.'),
    succeeded: int32('Pods that succeeded.'),
    failed: int32('Pods that failed.'),
    terminating: int32('Pods being terminated.'),
    completedIndexes: str('Completed indexes of an indexed job, as ranges.'),
    failedIndexes: str('Failed indexes of an indexed job, as ranges.'),
    uncountedTerminatedPods: loose('Finished pods not yet counted.'),
    ready: int32('Pods that are ready.'),
  }),
  [`${batch}JobCondition`]: obj(
    'One condition of a job.',
    {
      type: str('`Complete`, `Failed`, `Suspended`, `FailureTarget` or `SuccessCriteriaMet`.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastProbeTime: time('When the condition was last checked.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  ),

  ...kindWithList({ group: 'batch', version: 'v1', kind: 'CronJob' }, 'Creates jobs on a schedule.', {
    spec: ref(`${batch}CronJobSpec`, 'The schedule and the job to create.'),
    status: ref(`${batch}CronJobStatus`, 'The observed state of the cron job.'),
  }),
  [`${batch}CronJobSpec`]: obj(
    'The schedule and the job of a cron job.',
    {
      schedule: str('Cron-format schedule, such as `*/5 * * * *`.'),
      timeZone: str('Time zone of the schedule; the controller time zone when empty.'),
      startingDeadlineSeconds: int64('Seconds after a missed time a job may still start.'),
      concurrencyPolicy: str('`Allow` (default), `Forbid` or `Replace`.'),
      suspend: bool('Skips scheduled runs while true.'),
      jobTemplate: ref(`${batch}JobTemplateSpec`, 'The job to create.'),
      successfulJobsHistoryLimit: int32('Finished successful jobs to keep. Defaults to 3.'),
      failedJobsHistoryLimit: int32('Failed jobs to keep. Defaults to 1.'),
    },
    { required: ['schedule', 'jobTemplate'] },
  ),
  [`${batch}JobTemplateSpec`]: obj('The job a cron job creates.', {
    metadata: ref(`${META}ObjectMeta`, 'Metadata of the created jobs.'),
    spec: ref(`${batch}JobSpec`, 'Spec of the created jobs.'),
  }),
  [`${batch}CronJobStatus`]: obj('The observed state of a cron job.', {
    active: atomicList(ref(`${core}ObjectReference`), 'Jobs running now.'),
    lastScheduleTime: time('When a job was last scheduled.'),
    lastSuccessfulTime: time('When a job last completed successfully.'),
  }),
};
