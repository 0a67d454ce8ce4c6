/**
 * The Job controller runs pods until `completions` of them succeed (`parallelism` at a time), or
 * fails the Job after more than `backoffLimit` pod failures or `activeDeadlineSeconds`.
 *
 * Counting finished pods (upstream's tracking with finalizers): every pod is created with the
 * `batch.kubernetes.io/job-tracking` finalizer, so it cannot vanish before it is counted. A
 * finished (or deleted) pod is first recorded in `status.uncountedTerminatedPods`, then its
 * finalizer is removed, then it moves into `status.succeeded` or `status.failed`. A reconcile
 * interrupted anywhere resumes from what the status says, so no pod is counted twice or lost.
 *
 * One reconcile of a Job:
 *   1. finished already (Complete or Failed) → release the finalizers of its pods; delete the Job
 *      once `ttlSecondsAfterFinished` has passed;
 *   2. count finished pods as above;
 *   3. decide: failed (over backoffLimit, or past activeDeadlineSeconds) → FailureTarget, delete
 *      the active pods, then Failed once none is left; done (completions reached; or, without
 *      completions, some pod succeeded and none is active) → SuccessCriteriaMet, then Complete
 *      with completionTime; suspended → delete active pods, Suspended condition;
 *   4. otherwise create or delete pods to have min(parallelism, remaining completions) active,
 *      after a per-job backoff of 10 s doubling per failure (max 6 min) once pods have failed.
 * Indexed jobs give each pod an index (annotation and label `batch.kubernetes.io/job-completion-index`,
 * hostname `<job>-<index>`, env JOB_COMPLETION_INDEX) and complete when every index succeeded.
 * For restartPolicy OnFailure, containers restart in place: the restarts of the active pods count
 * against backoffLimit too (the job fails once they reach it), as upstream counts them.
 * Pods the controller deletes itself (too many, suspended, done, failed) lose their tracking
 * finalizer first, so however they end (a SIGTERMed process exits with an error), they are
 * never counted as failures.
 *
 * Events (from `job-controller`, as upstream): each pod created or deleted (pod-control.ts);
 * `Completed` "Job completed" once the Job is Complete, or a Warning with the Failed
 * condition's reason and message (`BackoffLimitExceeded` "Job has reached the specified backoff
 * limit", `DeadlineExceeded` "Job was active longer than specified deadline"); `Suspended` "Job
 * suspended" and `Resumed` "Job resumed" when the Suspended condition turns.
 */
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, jobType } from '../../api/batch/v1/job.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { isObject, objects } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { EventRecorder, Informer, ResourceClient } from '../../client/index.ts';
import { isNotFound, NAMESPACE_INDEX, splitKey } from '../../client/index.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from '../controller.ts';
import type { Condition } from '../common/conditions.ts';
import { findCondition, setCondition } from '../common/conditions.ts';
import { errorMessage } from '../common/errors.ts';
import { eventRef } from '../common/event-reference.ts';
import { WriteExpectations } from '../common/expectations.ts';
import { CONTROLLER_UID_INDEX, ensureIndex } from '../common/indexes.ts';
import { controllerRef } from '../common/owner-refs.ts';
import { isPodReady, isPodTerminating, podPhase } from '../common/pod-state.ts';
import { PodControl } from '../common/pod-control.ts';
import { podFromTemplate } from '../common/pod-template.ts';
import { rankForDeletion } from '../common/pod-ranking.ts';
import { writeStatusIfChanged } from '../common/status-writer.ts';
import { formatTime, parseTime } from '../common/time.ts';
import { slowStartBatch } from '../common/slow-start.ts';
import { formatIndexes, parseIndexes } from './completion-indexes.ts';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 360_000;

interface JobStatus {
  active?: number;
  ready?: number;
  terminating?: number;
  succeeded?: number;
  failed?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
  conditions?: Condition[];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function isFinished(job: KubeObject): boolean {
  const conds = job.status?.conditions as Condition[] | undefined;
  return findCondition(conds, 'Complete')?.status === 'True' || findCondition(conds, 'Failed')?.status === 'True';
}

/** Container restarts of the active pods of an OnFailure job, against its backoffLimit (upstream's rule). */
function pastBackoffLimitOnFailure(spec: Record<string, unknown>, active: readonly KubeObject[]): boolean {
  const template = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
  if (template.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of active) {
    const phase = podPhase(pod);
    if (phase !== 'Running' && phase !== 'Pending') continue;
    const status = isObject(pod.status) ? pod.status : {};
    for (const c of [...objects(status.containerStatuses), ...objects(status.initContainerStatuses)]) restarts += num(c.restartCount) ?? 0;
  }
  const limit = num(spec.backoffLimit) ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function podIndex(pod: KubeObject): number | undefined {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Reconciles one Job by key; see the file comment. */
export class JobReconciler implements Reconciler {
  readonly #ctx: ControllerContext;
  readonly #jobs: Informer<KubeObject>;
  readonly #pods: Informer<KubeObject>;
  readonly #client: ResourceClient;
  readonly #podClient: ResourceClient;
  readonly #events: EventRecorder;
  readonly #podControl: PodControl;
  readonly #expectations = new WriteExpectations();
  /** When each job's failure count last grew (monotonic ms), for the creation backoff. */
  readonly #lastFailure = new Map<string, { failed: number; at: number }>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#jobs = ctx.informers.informerFor(jobType);
    this.#pods = ctx.informers.informerFor(podType);
    ensureIndex(this.#pods, CONTROLLER_UID_INDEX);
    this.#client = ctx.clientset.resource(jobType);
    this.#podClient = ctx.clientset.resource(podType);
    this.#events = ctx.events.newRecorder('job-controller');
    this.#podControl = new PodControl(this.#podClient, this.#events);
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const cached = this.#jobs.store.get(key);
    // Pods of a Job that is gone (or was replaced by one of the same name) must not stay stuck
    // on their tracking finalizer: nobody would ever count them now.
    await this.#releaseFinalizers(key, this.#orphansOf(key, cached?.metadata.uid), signal);
    if (cached === undefined) {
      this.#expectations.forget(key);
      this.#lastFailure.delete(key);
      return {};
    }
    if (!this.#expectations.satisfied(key)) return {};
    let job = cached;
    const pods = this.#pods.store.byIndex(CONTROLLER_UID_INDEX, job.metadata.uid ?? '').filter((p) => controllerRef(p)?.kind === 'Job');
    const now = this.#ctx.clock.wallNow();

    if (isFinished(job)) {
      await this.#releaseFinalizers(key, pods.filter((p) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)), signal);
      return this.#expireAfterFinished(job, now, signal);
    }

    // 2. Count finished pods: record, release, then add to the totals.
    const status: JobStatus = structuredClone(job.status ?? {});
    const uncounted = { succeeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods?.failed ?? []) };
    const completed = parseIndexes(status.completedIndexes);
    const indexed = job.spec?.completionMode === 'Indexed';
    const tracked = pods.filter((p) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER));
    const release: KubeObject[] = [];
    let recorded = false;
    for (const p of tracked) {
      const uid = p.metadata.uid ?? '';
      const phase = podPhase(p);
      if (phase !== 'Succeeded' && phase !== 'Failed' && !isPodTerminating(p)) continue;
      release.push(p);
      if (uncounted.succeeded.has(uid) || uncounted.failed.has(uid)) continue;
      (phase === 'Succeeded' ? uncounted.succeeded : uncounted.failed).add(uid);
      recorded = true;
    }
    if (recorded) {
      status.uncountedTerminatedPods = { succeeded: [...uncounted.succeeded], failed: [...uncounted.failed] };
      job = await writeStatusIfChanged(this.#client, job, { ...status }, signal);
    }
    await this.#releaseFinalizers(key, release, signal);
    if (uncounted.succeeded.size + uncounted.failed.size > 0) {
      if (indexed) {
        for (const p of pods) if (uncounted.succeeded.has(p.metadata.uid ?? '') && podIndex(p) !== undefined) completed.add(podIndex(p)!);
        status.completedIndexes = formatIndexes(completed);
        status.succeeded = completed.size;
      } else {
        status.succeeded = (status.succeeded ?? 0) + uncounted.succeeded.size;
      }
      status.failed = (status.failed ?? 0) + uncounted.failed.size;
      status.uncountedTerminatedPods = {};
    }

    // 3. Decide.
    const spec = isObject(job.spec) ? job.spec : {};
    const active = pods.filter((p) => !isPodTerminating(p) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
    const terminating = pods.filter((p) => isPodTerminating(p) && podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed');
    const succeeded = status.succeeded ?? 0;
    const failed = status.failed ?? 0;
    const completions = num(spec.completions);
    const parallelism = num(spec.parallelism) ?? 1;
    if (spec.suspend !== true) status.startTime ??= formatTime(now);
    const conds = status.conditions ?? [];
    let requeueAfterMs: number | undefined;

    const failureReason = (): { reason: string; message: string } | undefined => {
      const existing = findCondition(conds, 'FailureTarget');
      if (existing?.status === 'True') return { reason: existing.reason ?? '', message: existing.message ?? '' };
      if (failed > (num(spec.backoffLimit) ?? 6) || pastBackoffLimitOnFailure(spec, active)) return { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
      const deadline = num(spec.activeDeadlineSeconds);
      const start = parseTime(status.startTime);
      if (deadline !== undefined && start !== undefined && spec.suspend !== true) {
        const left = start + deadline * 1000 - now.getTime();
        if (left <= 0) return { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
        requeueAfterMs = left;
      }
      return undefined;
    };
    const failure = failureReason();
    const done = !indexed && completions === undefined ? succeeded > 0 && active.length === 0 : succeeded >= (completions ?? 1);

    if (failure !== undefined) {
      status.conditions = setCondition(conds, { type: 'FailureTarget', status: 'True', reason: failure.reason, message: failure.message }, now);
      await this.#deletePods(key, job, active, signal);
      if (active.length === 0 && terminating.length === 0) {
        status.conditions = setCondition(status.conditions, { type: 'Failed', status: 'True', reason: failure.reason, message: failure.message }, now);
      }
    } else if (done) {
      status.conditions = setCondition(conds, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, now);
      await this.#deletePods(key, job, active, signal);
      if (active.length === 0 && terminating.length === 0) {
        status.conditions = setCondition(status.conditions, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, now);
        status.completionTime = formatTime(now);
      }
    } else if (spec.suspend === true) {
      await this.#deletePods(key, job, active, signal);
      status.conditions = setCondition(conds, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, now);
    } else {
      if (findCondition(conds, 'Suspended')?.status === 'True') {
        status.conditions = setCondition(conds, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, now);
        status.startTime = formatTime(now);
      }
      // 4. Manage the active pods.
      const wantActive = indexed || completions !== undefined ? Math.min(parallelism, Math.max(0, (completions ?? 1) - succeeded)) : succeeded > 0 ? active.length : parallelism;
      if (active.length > wantActive) {
        await this.#deletePods(key, job, rankForDeletion(active).slice(0, active.length - wantActive), signal);
      } else if (active.length < wantActive) {
        const wait = this.#backoffLeft(key, failed);
        if (wait > 0) requeueAfterMs = Math.min(requeueAfterMs ?? wait, wait);
        else await this.#createPods(key, job, wantActive - active.length, indexed ? this.#freeIndexes(completions ?? 0, completed, active) : undefined, signal);
      }
    }

    if (active.length > 0) status.active = active.length;
    else delete status.active;
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminating.length;
    const written = await writeStatusIfChanged(this.#client, job, status as Record<string, unknown>, signal);
    this.#recordTransitions(job, written, failure);
    if (isFinished(written)) return this.#expireAfterFinished(written, now, signal);
    return requeueAfterMs === undefined ? {} : { requeueAfterMs: requeueAfterMs + 100 };
  }

  /** The Events of what the status write from `before` to `after` changed: finished, suspended, resumed. */
  #recordTransitions(before: KubeObject, after: KubeObject, failure: { reason: string; message: string } | undefined): void {
    const ref = eventRef(after, jobType);
    if (isFinished(after)) {
      if (failure === undefined) this.#events.event(ref, 'Normal', 'Completed', 'Job completed');
      else this.#events.event(ref, 'Warning', failure.reason, failure.message);
      return;
    }
    const suspended = (job: KubeObject): boolean => findCondition(job.status?.conditions as Condition[] | undefined, 'Suspended')?.status === 'True';
    if (!suspended(before) && suspended(after)) this.#events.event(ref, 'Normal', 'Suspended', 'Job suspended');
    else if (suspended(before) && !suspended(after)) this.#events.event(ref, 'Normal', 'Resumed', 'Job resumed');
  }

  /** Tracked pods whose controller is a Job named like `key` but not the one with `uid`. */
  #orphansOf(key: string, uid: string | undefined): KubeObject[] {
    const { namespace, name } = splitKey(key);
    return this.#pods.store
      .byIndex(NAMESPACE_INDEX, namespace ?? '')
      .filter((p) => {
        const ref = controllerRef(p);
        return ref?.kind === 'Job' && ref.name === name && ref.uid !== uid && (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
      });
  }

  /** Milliseconds before the next pod may be created after `failed` failures (0: now). */
  #backoffLeft(key: string, failed: number): number {
    if (failed === 0) return 0;
    const nowMs = this.#ctx.clock.now();
    const last = this.#lastFailure.get(key);
    if (last === undefined || last.failed !== failed) {
      this.#lastFailure.set(key, { failed, at: nowMs });
      return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failed - 1));
    }
    return Math.max(0, last.at + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failed - 1)) - nowMs);
  }

  /** The indexes of an Indexed job that neither succeeded nor have an active pod. */
  #freeIndexes(completions: number, completed: ReadonlySet<number>, active: readonly KubeObject[]): number[] {
    const busy = new Set(active.map(podIndex));
    return Array.from({ length: completions }, (_, i) => i).filter((i) => !completed.has(i) && !busy.has(i));
  }

  async #createPods(key: string, job: KubeObject, count: number, indexes: number[] | undefined, signal: AbortSignal): Promise<void> {
    const queue = indexes === undefined ? undefined : indexes.slice(0, count);
    const n = queue === undefined ? count : queue.length;
    const { error } = await slowStartBatch(n, async () => {
      const index = queue?.shift();
      const pod = podFromTemplate(job.spec?.template, job, jobType, {
        generateName: index === undefined ? `${job.metadata.name}-` : `${job.metadata.name}-${index}-`,
        extraLabels: {
          [CONTROLLER_UID_LABEL]: job.metadata.uid ?? '',
          [JOB_NAME_LABEL]: job.metadata.name ?? '',
          ...(index === undefined ? {} : { [COMPLETION_INDEX_ANNOTATION]: String(index) }),
        },
        mutateSpec: (spec) => {
          if (index === undefined) return;
          spec.hostname ??= `${job.metadata.name}-${index}`;
          for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
            c.env = [...objects(c.env), { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } }];
          }
        },
      });
      pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
      if (index !== undefined) pod.metadata.annotations = { ...pod.metadata.annotations, [COMPLETION_INDEX_ANNOTATION]: String(index) };
      const created = await this.#podControl.create(eventRef(job, jobType), pod, signal);
      this.#expectations.expect(key, this.#pods, created.metadata.resourceVersion);
    });
    if (error !== undefined) throw error instanceof Error ? error : new Error(errorMessage(error));
  }

  /** Deletes pods of the job, uncounted: their tracking finalizers go first (see the file comment). */
  async #deletePods(key: string, job: KubeObject, pods: readonly KubeObject[], signal: AbortSignal): Promise<void> {
    await this.#releaseFinalizers(key, pods.filter((p) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)), signal);
    await Promise.all(
      pods.map(async (p) => {
        const gone = await this.#podControl.delete(eventRef(job, jobType), p, signal);
        if (gone !== undefined) this.#expectations.expect(key, this.#pods, gone.metadata.resourceVersion);
      }),
    );
  }

  async #releaseFinalizers(key: string, pods: readonly KubeObject[], signal: AbortSignal): Promise<void> {
    await Promise.all(
      pods.map(async (p) => {
        try {
          const finalizers = (p.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
          const patched = await this.#podClient.patch(p.metadata.name ?? '', { metadata: { finalizers: finalizers.length > 0 ? finalizers : null, resourceVersion: p.metadata.resourceVersion } }, { namespace: p.metadata.namespace, signal });
          this.#expectations.expect(key, this.#pods, patched.metadata.resourceVersion);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }),
    );
  }

  /** Deletes a finished job once ttlSecondsAfterFinished has passed; otherwise asks to be woken then. */
  async #expireAfterFinished(job: KubeObject, now: Date, signal: AbortSignal): Promise<ReconcileResult> {
    const ttl = num(job.spec?.ttlSecondsAfterFinished);
    if (ttl === undefined || job.metadata.deletionTimestamp !== undefined) return {};
    const conds = job.status?.conditions as Condition[] | undefined;
    const finishedAt = parseTime(job.status?.completionTime) ?? parseTime(findCondition(conds, 'Failed')?.lastTransitionTime) ?? parseTime(findCondition(conds, 'Complete')?.lastTransitionTime);
    if (finishedAt === undefined) return {};
    const left = finishedAt + ttl * 1000 - now.getTime();
    if (left > 0) return { requeueAfterMs: left + 100 };
    try {
      await this.#client.delete(job.metadata.name ?? '', { namespace: job.metadata.namespace, propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid }, signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return {};
  }
}

/** The Job controller, as the runner and the registry see it. */
export const jobController: ControllerDescriptor = {
  name: 'job-controller',
  aliases: ['job'],
  primary: jobType,
  watches: [{ type: podType }],
  workers: 5,
  create: (ctx) => new JobReconciler(ctx),
};
