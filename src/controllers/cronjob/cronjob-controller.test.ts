import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cronJobType } from '../../api/batch/v1/cronjob.ts';
import { jobType } from '../../api/batch/v1/job.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { cronJobController, SCHEDULED_TIMESTAMP_ANNOTATION } from './cronjob-controller.ts';

// The fake clock starts at 2025-01-01T00:00:00Z.
function cronJob(spec: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { namespace: 'ns', name: 'tick', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: {
      schedule: '*/5 * * * *',
      timeZone: 'UTC',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { app: 'tick' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

const jobs = (h: ControllerHarness): KubeObject[] => h.list(jobType, 'ns').filter((j) => j.metadata.deletionTimestamp === undefined).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
const cj = (h: ControllerHarness): KubeObject => h.api.get(cronJobType, 'ns', 'tick')!;
const minutes = (iso: string): number => Date.parse(iso) / 60_000;

/** Finishes a job the way the Job controller reports it. */
function finish(h: ControllerHarness, job: KubeObject, type: 'Complete' | 'Failed'): void {
  const now = h.clock.wallNow().toISOString().replace(/\.\d{3}Z$/, 'Z');
  h.api.put(jobType, { ...job, status: { ...job.status, ...(type === 'Complete' ? { completionTime: now, succeeded: 1 } : { failed: 1 }), conditions: [{ type, status: 'True', lastTransitionTime: now }] } });
}

async function withCronJob(spec: Record<string, unknown>, body: (h: ControllerHarness) => Promise<void>): Promise<void> {
  const h = await startControllers([cronJobController], { seed: (api) => api.put(cronJobType, cronJob(spec)) });
  try {
    await body(h);
  } finally {
    await h.stop();
  }
}

describe('cronjob controller', () => {
  it('creates one Job per firing, named by the scheduled minute, and tracks active and successful runs', async () => {
    await withCronJob({}, async (h) => {
      await h.quiesce();
      assert.equal(jobs(h).length, 0, 'nothing before the first firing');
      await h.until(() => jobs(h).length === 1, 'the 00:05 job', 60_000);
      const job = jobs(h)[0]!;
      assert.equal(job.metadata.name, `tick-${minutes('2025-01-01T00:05:00Z')}`);
      assert.equal(job.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], '2025-01-01T00:05:00Z');
      assert.equal(job.metadata.labels?.app, 'tick');
      assert.equal(job.metadata.ownerReferences?.[0]?.kind, 'CronJob');
      assert.equal(job.spec.template.spec.containers[0].image, 'busybox');
      await h.until(() => cj(h).status?.active?.length === 1, 'the active reference');
      assert.equal(cj(h).status.lastScheduleTime, '2025-01-01T00:05:00Z');
      finish(h, job, 'Complete');
      await h.until(() => cj(h).status?.active === undefined && cj(h).status?.lastSuccessfulTime !== undefined, 'the success recorded');
      await h.until(() => h.events('tick').length === 2, 'two events');
      assert.deepEqual(h.events('tick'), [`Normal SuccessfulCreate: Created job ${job.metadata.name}`, `Normal SawCompletedJob: Saw completed job: ${job.metadata.name}, condition: Complete`]);
    });
  });

  it('keeps successfulJobsHistoryLimit finished jobs', async () => {
    await withCronJob({ successfulJobsHistoryLimit: 2 }, async (h) => {
      for (let run = 1; run <= 4; run++) {
        await h.until(() => h.list(jobType, 'ns').length >= Math.min(run, 3) && jobs(h).some((j) => j.status?.conditions === undefined), `run ${run}`, 60_000);
        for (const j of jobs(h)) if (j.status?.conditions === undefined) finish(h, j, 'Complete');
      }
      await h.until(() => jobs(h).length === 2, 'two kept', 60_000);
      const names = jobs(h).map((j) => j.metadata.name);
      assert.deepEqual(names, [`tick-${minutes('2025-01-01T00:15:00Z')}`, `tick-${minutes('2025-01-01T00:20:00Z')}`], 'the newest two');
      const deleted = [`tick-${minutes('2025-01-01T00:05:00Z')}`, `tick-${minutes('2025-01-01T00:10:00Z')}`];
      await h.until(() => deleted.every((n) => h.events('tick').includes(`Normal SuccessfulDelete: Deleted job ${n}`)), 'the deletions told');
    });
  });

  it('Forbid skips a firing while a job runs; Replace deletes the running job for the new one', async () => {
    await withCronJob({ concurrencyPolicy: 'Forbid' }, async (h) => {
      await h.until(() => jobs(h).length === 1, 'the first job', 60_000);
      await h.clock.advance(5 * 60_000);
      await h.quiesce();
      assert.equal(jobs(h).length, 1, 'no second job while the first runs');
      const skipped = 'Normal JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid';
      await h.until(() => h.events('tick').some((e) => e.startsWith(skipped)), 'the skip told (once, counting repeats)', 1_000);
      assert.equal(jobs(h).length, 1, 'still no second job');
    });
    await withCronJob({ concurrencyPolicy: 'Replace' }, async (h) => {
      await h.until(() => jobs(h).length === 1, 'the first job', 60_000);
      const first = jobs(h)[0]!.metadata.name;
      await h.until(() => jobs(h).length === 1 && jobs(h)[0]!.metadata.name !== first, 'the replacement', 60_000);
      await h.until(() => cj(h).status?.active?.length === 1 && cj(h).status.active[0].name === jobs(h)[0]!.metadata.name, 'active names the replacement');
    });
  });

  it('runs nothing while suspended, and only the latest missed firing after', async () => {
    await withCronJob({ suspend: true }, async (h) => {
      await h.clock.advance(30 * 60_000);
      await h.quiesce();
      assert.equal(jobs(h).length, 0);
      h.api.put(cronJobType, { ...cj(h), spec: { ...cj(h).spec, suspend: false } });
      await h.until(() => jobs(h).length === 1, 'one job for the missed firings');
      assert.equal(jobs(h)[0]!.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], '2025-01-01T00:30:00Z');
    });
  });

  it('skips a firing missed by more than startingDeadlineSeconds', async () => {
    await withCronJob({ suspend: true, startingDeadlineSeconds: 60 }, async (h) => {
      await h.clock.advance(7 * 60_000); // 00:07: the 00:05 firing is 2 minutes late
      h.api.put(cronJobType, { ...cj(h), spec: { ...cj(h).spec, suspend: false } });
      await h.quiesce();
      assert.equal(jobs(h).length, 0, 'too late for 00:05');
      await h.until(() => jobs(h).length === 1, 'the 00:10 firing', 60_000);
    });
  });

  it('records FailedCreate with the error when the Job is refused, and MissingJob when an active one vanishes', async () => {
    await withCronJob({}, async (h) => {
      h.api.intercept = (req) => (req.method === 'POST' && req.url.includes('/jobs') ? { code: 403, reason: 'Forbidden', message: 'jobs "tick-1" is forbidden: no' } : undefined);
      await h.until(() => h.events('tick').length > 0, 'the failure', 60_000);
      assert.equal(h.events('tick')[0], 'Warning FailedCreate: Error creating job: jobs "tick-1" is forbidden: no');
      h.api.intercept = () => undefined;
      await h.until(() => cj(h).status?.active?.length === 1, 'the job once allowed', 1_000);
      const name = cj(h).status.active[0].name;
      h.api.delete(jobType, 'ns', name);
      await h.until(() => h.events('tick').includes(`Normal MissingJob: Active job went missing: ${name}`), 'the vanished job told');
    });
  });
});
