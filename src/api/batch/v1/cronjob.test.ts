import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldErrors } from '../../validation/field-errors.ts';
import { cronJobTableColumns, cronJobTableRow, defaultCronJob, validateCronJob, validateCronJobCreate } from './cronjob.ts';

function cronJob(spec: Record<string, unknown>, name = 'tick'): KubeObject {
  return {
    metadata: { name, namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

function messages(obj: KubeObject): string {
  defaultCronJob(obj);
  return formatFieldErrors('CronJob.batch', obj.metadata.name ?? '', validateCronJobCreate(obj));
}

describe('CronJob', () => {
  it('defaults the policy, suspension, history limits and the pod spec', () => {
    const obj = cronJob({});
    defaultCronJob(obj);
    assert.equal(obj.spec.concurrencyPolicy, 'Allow');
    assert.equal(obj.spec.suspend, false);
    assert.equal(obj.spec.successfulJobsHistoryLimit, 3);
    assert.equal(obj.spec.failedJobsHistoryLimit, 1);
    assert.equal(obj.spec.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
    assert.deepEqual(validateCronJobCreate(obj), []);
  });

  it('keeps what the client set', () => {
    const obj = cronJob({ concurrencyPolicy: 'Forbid', suspend: true, successfulJobsHistoryLimit: 0 });
    defaultCronJob(obj);
    assert.equal(obj.spec.concurrencyPolicy, 'Forbid');
    assert.equal(obj.spec.suspend, true);
    assert.equal(obj.spec.successfulJobsHistoryLimit, 0);
  });

  it('refuses bad schedules with the parser message', () => {
    assert.equal(messages(cronJob({ schedule: '61 * * * *' })), 'CronJob.batch "tick" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61');
    assert.match(messages(cronJob({ schedule: '' })), /spec.schedule: Required value/);
    assert.match(messages(cronJob({ schedule: 'TZ=UTC 0 * * * *' })), /cannot use TZ or CRON_TZ in schedule, use timeZone field instead/);
  });

  it('checks the time zone against the tz database', () => {
    assert.deepEqual(validateCronJob(Object.assign(cronJob({ timeZone: 'Europe/Berlin', concurrencyPolicy: 'Allow' }))), []);
    assert.match(messages(cronJob({ timeZone: 'Mars/Olympus' })), /spec.timeZone: Invalid value: "Mars\/Olympus": unknown time zone Mars\/Olympus/);
    assert.match(messages(cronJob({ timeZone: 'Local' })), /explicit time zone/);
    assert.match(messages(cronJob({ timeZone: '' })), /timeZone must be nil or non-empty string/);
  });

  it('checks the policy, the limits, the job template and the name length', () => {
    assert.match(messages(cronJob({ concurrencyPolicy: 'Sometimes' })), /spec.concurrencyPolicy: Unsupported value: "Sometimes"/);
    assert.match(messages(cronJob({ failedJobsHistoryLimit: -1 })), /spec.failedJobsHistoryLimit: Invalid value: -1/);
    assert.match(messages(cronJob({ jobTemplate: undefined })), /spec.jobTemplate: Required value/);
    const always = cronJob({});
    always.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always';
    assert.match(messages(always), /spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always"/);
    assert.match(messages(cronJob({}, 'x'.repeat(53))), /metadata.name: Invalid value: "x{53}": must be no more than 52 characters/);
    assert.deepEqual(validateCronJob(Object.assign(cronJob({ concurrencyPolicy: 'Allow' }, 'x'.repeat(53)))), [], 'updates of long names stay possible');
  });

  it('prints SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE', () => {
    assert.deepEqual(cronJobTableColumns.filter((c) => c.priority === 0).map((c) => c.name), ['Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age']);
    const obj = cronJob({ suspend: false });
    obj.status = { active: [{ name: 'tick-1' }], lastScheduleTime: '2024-05-01T11:55:00Z' };
    assert.deepEqual(cronJobTableRow(obj, new Date('2024-05-01T12:00:00Z')), ['*/5 * * * *', '<none>', 'False', 1, '5m', '60m', 'c', 'busybox', '<none>']);
    const zoned = cronJob({ timeZone: 'UTC' });
    assert.deepEqual(cronJobTableRow(zoned, new Date('2024-05-01T12:00:00Z')).slice(1, 5), ['UTC', '<unset>', 0, '<none>']);
  });
});
