/**
 * The CronJob controller creates a Job for each time a CronJob's schedule fires.
 *
 * One reconcile of a CronJob:
 *   1. `status.active` is brought in step with its Jobs (finished or vanished ones leave it,
 *      running ones it owns join it); `lastSuccessfulTime` follows the latest completion;
 *   2. unless suspended or being deleted: the latest firing since `lastScheduleTime` (or the
 *      creation, and no further back than `startingDeadlineSeconds`) is run once — a Job named
 *      `<cronjob>-<minutes since the epoch>` (so a firing never runs twice, even across a
 *      failover), from `jobTemplate`, annotated `batch.kubernetes.io/cronjob-scheduled-timestamp`
 *      and owned by the CronJob. `concurrencyPolicy` decides about Jobs still running: Allow
 *      runs alongside, Forbid skips the firing, Replace deletes them first. Missed firings are
 *      not caught up one by one, only the latest;
 *   3. finished Jobs beyond `successfulJobsHistoryLimit` and `failedJobsHistoryLimit` are
 *      deleted, oldest first;
 *   4. it asks to be woken at the next firing.
 * Times come from the schedule in `spec.timeZone` (else the controller's local zone).
 *
 * Events (from `cronjob-controller`, upstream's reasons and texts): `SuccessfulCreate` "Created
 * job <name>", `SawCompletedJob` "Saw completed job: <name>, condition: Complete|Failed" when an
 * active Job finishes, `MissingJob` when one vanishes, `SuccessfulDelete` "Deleted job <name>"
 * (history limits, Replace), `JobAlreadyActive` when Forbid skips a firing, and Warnings
 * `FailedCreate`, `FailedDelete`, `MissSchedule`, `TooManyMissedTimes`, `UnparseableSchedule`.
 */
import { parseCronSchedule } from '../../api/batch/v1/cron-schedule.ts';
import { cronJobType } from '../../api/batch/v1/cronjob.ts';
import { jobType } from '../../api/batch/v1/job.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { EventRecorder, Informer, ResourceClient } from '../../client/index.ts';
import { isAlreadyExists, isNotFound } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import { TerminalError } from '../controller.ts';
import type { Condition } from '../common/conditions.ts';
import { findCondition } from '../common/conditions.ts';
import { errorMessage, isNamespaceTerminating } from '../common/errors.ts';
import { eventRef } from '../common/event-reference.ts';
import { WriteExpectations } from '../common/expectations.ts';
import { CONTROLLER_UID_INDEX, ensureIndex } from '../common/indexes.ts';
import { newControllerRef } from '../common/owner-refs.ts';
import { writeStatusIfChanged } from '../common/status-writer.ts';
import { formatTime, parseTime } from '../common/time.ts';
import { latestFiring, nextFiring } from './schedule-times.ts';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** Whether a Job has finished, and how. */
function jobOutcome(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const conditions = job.status?.conditions as Condition[] | undefined;
  if (findCondition(conditions, 'Complete')?.status === 'True') return 'Complete';
  if (findCondition(conditions, 'Failed')?.status === 'True') return 'Failed';
  return undefined;
}

function ref(job: KubeObject): Record<string, unknown> {
  return { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace: job.metadata.namespace, uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion };
}

/** Reconciles one CronJob by key; see the file comment. */
export class CronJobReconciler implements Reconciler {
  readonly #ctx: ControllerContext;
  readonly #cronJobs: Informer<KubeObject>;
  readonly #jobs: Informer<KubeObject>;
  readonly #client: ResourceClient;
  readonly #jobClient: ResourceClient;
  readonly #events: EventRecorder;
  readonly #expectations = new WriteExpectations();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#events = ctx.events.newRecorder('cronjob-controller');
    this.#cronJobs = ctx.informers.informerFor(cronJobType);
    this.#jobs = ctx.informers.informerFor(jobType);
    ensureIndex(this.#jobs, CONTROLLER_UID_INDEX);
    this.#client = ctx.clientset.resource(cronJobType);
    this.#jobClient = ctx.clientset.resource(jobType);
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const cj = this.#cronJobs.store.get(key);
    if (cj === undefined) {
      this.#expectations.forget(key);
      return {};
    }
    if (!this.#expectations.satisfied(key)) return {};
    const spec = isObject(cj.spec) ? cj.spec : {};
    const now = this.#ctx.clock.wallNow().getTime();
    const jobs = this.#jobs.store.byIndex(CONTROLLER_UID_INDEX, cj.metadata.uid ?? '');
    const running = jobs.filter((j) => jobOutcome(j) === undefined && j.metadata.deletionTimestamp === undefined);

    // 1. Active jobs and the last success; what became of the jobs that were active is told
    // once the status saying so is written (a retry on a stale cache then repeats nothing).
    const cjRef = eventRef(cj, cronJobType);
    const seen: Array<[reason: string, message: string]> = [];
    for (const was of objects(cj.status?.active)) {
      const job = jobs.find((j) => j.metadata.uid === was.uid);
      const outcome = job === undefined ? undefined : jobOutcome(job);
      if (job === undefined) seen.push(['MissingJob', `Active job went missing: ${str(was.name)}`]);
      else if (outcome !== undefined) seen.push(['SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${outcome}`]);
    }
    const tellSeen = (): void => {
      for (const [reason, message] of seen) this.#events.event(cjRef, 'Normal', reason, message);
    };
    const status: Record<string, any> = { ...cj.status };
    const active = running.map(ref).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    if (active.length > 0) status.active = active;
    else delete status.active;
    const successes = jobs.filter((j) => jobOutcome(j) === 'Complete').map((j) => parseTime(j.status?.completionTime) ?? 0);
    if (successes.length > 0) {
      const latest = Math.max(...successes, parseTime(status.lastSuccessfulTime) ?? 0);
      status.lastSuccessfulTime = formatTime(new Date(latest));
    }

    let requeueAfterMs: number | undefined;
    const parsed = parseCronSchedule(str(spec.schedule));
    if (!parsed.ok) {
      await writeStatusIfChanged(this.#client, cj, status, signal);
      tellSeen();
      this.#events.event(cjRef, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(str(spec.schedule))} : ${parsed.error}`);
      throw new TerminalError(`CronJob ${key}: invalid schedule ${JSON.stringify(spec.schedule)}: ${parsed.error}`);
    }
    const timeZone = str(spec.timeZone) === '' ? undefined : str(spec.timeZone);
    if (spec.suspend !== true && cj.metadata.deletionTimestamp === undefined) {
      // 2. The latest firing not yet run.
      const deadline = typeof spec.startingDeadlineSeconds === 'number' ? spec.startingDeadlineSeconds * 1000 : undefined;
      let earliest = parseTime(status.lastScheduleTime) ?? parseTime(cj.metadata.creationTimestamp) ?? now;
      if (deadline !== undefined) earliest = Math.max(earliest, now - deadline);
      const { latest, missed } = latestFiring(parsed.schedule, earliest, now, timeZone);
      if (missed > 100) {
        this.#ctx.logger.warn('cronjob missed more than 100 start times; running only the latest', { cronjob: key, missed });
        this.#events.event(cjRef, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
      }
      const inTime = latest !== undefined && (deadline === undefined || latest + deadline >= now);
      if (latest !== undefined && inTime) {
        const policy = str(spec.concurrencyPolicy) || 'Allow';
        if (policy === 'Forbid' && running.length > 0) {
          this.#ctx.logger.info('cronjob firing skipped: concurrencyPolicy Forbid and a job is still running', { cronjob: key });
          this.#events.event(cjRef, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
        } else {
          if (policy === 'Replace') await Promise.all(running.map((j) => this.#deleteJob(key, cj, j, signal)));
          const job = await this.#createJob(key, cj, latest, signal);
          if (job !== undefined && policy !== 'Replace') status.active = [...(status.active ?? []), ref(job)].filter((r, i, all) => all.findIndex((o) => o.uid === r.uid) === i);
          if (job !== undefined && policy === 'Replace') status.active = [ref(job)];
          status.lastScheduleTime = formatTime(new Date(latest));
        }
      } else if (latest !== undefined) {
        this.#ctx.logger.warn('cronjob firing missed: past startingDeadlineSeconds', { cronjob: key, scheduled: formatTime(new Date(latest)) });
        // Go's RFC1123Z in UTC, as upstream prints the missed time.
        this.#events.event(cjRef, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${new Date(latest).toUTCString().replace(/ GMT$/, ' +0000')}`);
      }
      const next = nextFiring(parsed.schedule, now, timeZone);
      if (next !== undefined) requeueAfterMs = next - now + 100;
    }

    // 3. History.
    await this.#prune(key, cj, jobs, 'Complete', typeof spec.successfulJobsHistoryLimit === 'number' ? spec.successfulJobsHistoryLimit : 3, signal);
    await this.#prune(key, cj, jobs, 'Failed', typeof spec.failedJobsHistoryLimit === 'number' ? spec.failedJobsHistoryLimit : 1, signal);
    await writeStatusIfChanged(this.#client, cj, status, signal);
    tellSeen();
    return requeueAfterMs === undefined ? {} : { requeueAfterMs };
  }

  /** Creates the Job of the firing at `scheduled`; undefined when it exists already (it ran). */
  async #createJob(key: string, cj: KubeObject, scheduled: number, signal: AbortSignal): Promise<KubeObject | undefined> {
    const template = isObject(cj.spec?.jobTemplate) ? cj.spec.jobTemplate : {};
    const meta = isObject(template.metadata) ? template.metadata : {};
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`,
        namespace: cj.metadata.namespace,
        ...(isObject(meta.labels) ? { labels: { ...meta.labels } } : {}),
        annotations: { ...(isObject(meta.annotations) ? meta.annotations : {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatTime(new Date(scheduled)) },
        ownerReferences: [newControllerRef(cj, cronJobType)],
      },
      spec: structuredClone(template.spec ?? {}),
    };
    try {
      const created = await this.#jobClient.create(job, { signal });
      this.#expectations.expect(key, this.#jobs, created.metadata.resourceVersion);
      this.#ctx.logger.info('cronjob created a job', { cronjob: key, job: created.metadata.name });
      this.#events.event(eventRef(cj, cronJobType), 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
      return created;
    } catch (err) {
      if (isAlreadyExists(err)) return undefined;
      if (!signal.aborted && !isNamespaceTerminating(err)) this.#events.event(eventRef(cj, cronJobType), 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(err)}`);
      throw err;
    }
  }

  async #deleteJob(key: string, cj: KubeObject, job: KubeObject, signal: AbortSignal): Promise<void> {
    try {
      const gone = await this.#jobClient.delete(job.metadata.name ?? '', { namespace: job.metadata.namespace, propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid }, signal });
      this.#expectations.expect(key, this.#jobs, gone.metadata.resourceVersion);
      this.#events.event(eventRef(cj, cronJobType), 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    } catch (err) {
      if (isNotFound(err)) return;
      // Upstream's text, odd as it reads.
      if (!signal.aborted) this.#events.event(eventRef(cj, cronJobType), 'Warning', 'FailedDelete', `Deleted job: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** Deletes the oldest finished jobs with `outcome` beyond `limit`. */
  async #prune(key: string, cj: KubeObject, jobs: readonly KubeObject[], outcome: 'Complete' | 'Failed', limit: number, signal: AbortSignal): Promise<void> {
    const finished = jobs
      .filter((j) => jobOutcome(j) === outcome && j.metadata.deletionTimestamp === undefined)
      .sort((a, b) => (parseTime(a.status?.startTime) ?? parseTime(a.metadata.creationTimestamp) ?? 0) - (parseTime(b.status?.startTime) ?? parseTime(b.metadata.creationTimestamp) ?? 0));
    for (const j of finished.slice(0, Math.max(0, finished.length - limit))) await this.#deleteJob(key, cj, j, signal);
  }
}

/** The CronJob controller, as the runner and the registry see it. */
export const cronJobController: ControllerDescriptor = {
  name: 'cronjob-controller',
  aliases: ['cronjob'],
  primary: cronJobType,
  watches: [{ type: jobType }],
  workers: 5,
  create: (ctx) => new CronJobReconciler(ctx),
};
