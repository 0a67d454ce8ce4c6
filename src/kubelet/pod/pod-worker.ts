/**
 * The lifecycle of one pod on this node, driven level-triggered: every change (a new version of
 * the pod, a container exit, a probe verdict, a timer) schedules a `sync`, and syncs of one pod
 * never overlap. A sync looks at the pod and at what runs, and does the next thing:
 *
 *   being deleted (or gone from the API) → terminate: preStop hooks, SIGTERM, SIGKILL when the
 *       grace period is over, final status, DELETE with grace 0, remove the pod's files
 *   finished (Succeeded / Failed)        → nothing more to run
 *   no sandbox yet                       → address from the pod CIDR, directory, volumes
 *   init containers not all done         → run the next one (restarting failures per policy)
 *   containers not running               → start them; restart exited ones per restartPolicy,
 *                                          waiting CrashLoopBackOff in between (restart-backoff.ts)
 *
 * then writes the pod's status (pod-status.ts) through the status manager. Probes run beside
 * each instance (prober.ts): readiness sets `ready`, a failed liveness or startup probe stops
 * the instance so that the restart policy decides what follows.
 */
import type { Clock, Logger } from '../../client/index.ts';
import type { Container, Pod, PodStatus, Probe } from '../api-types.ts';
import { podKey, restartPolicyOf } from '../api-types.ts';
import { ContainerConfigError } from '../env/field-refs.ts';
import type { ContainerLaunch } from '../env/container-env.ts';
import type { EventRecorder } from '../events.ts';
import { Prober } from '../probes/prober.ts';
import { runHandler, type HandlerContext } from '../probes/probe-handlers.ts';
import { containerMounts, mapWorkingDir } from '../runtime/process/mount-env.ts';
import { VolumeSetupError } from '../runtime/process/volumes.ts';
import type { ContainerHandle, ContainerRuntime, PodSandbox, RecoveredPod, SavedContainer } from '../runtime/runtime.ts';
import { StartError } from '../runtime/runtime.ts';
import { newContainerState, recordExit, recordStart, type ContainerExit, type ContainerState } from './container-state.ts';
import { computePhase, computePodStatus, willRestart, type PodStatusInput } from './pod-status.ts';
import type { RestartBackoff } from './restart-backoff.ts';

/** Upstream's floor for a kill's grace period, in seconds. */
export const MINIMUM_GRACE_SECONDS = 2;
/** Output kept from an exec probe or hook, bytes. */
const EXEC_OUTPUT_LIMIT = 10 * 1024;

export interface PodWorkerContext {
  readonly runtime: ContainerRuntime;
  readonly clock: Clock;
  readonly backoff: RestartBackoff;
  readonly status: { set(pod: Pod, status: PodStatus): void; flush(uid: string): Promise<void>; forget(uid: string): void };
  readonly events: EventRecorder;
  readonly logger: Logger;
  readonly hostIP: string;
  /** A free pod address. @throws Error when the node's range is exhausted */
  readonly allocateIP: () => string;
  readonly releaseIP: (ip: string) => void;
  /** The container's environment and argv (container-env.ts). @throws ContainerConfigError */
  readonly launch: (pod: Pod, container: Container, runtimeEnv: ReadonlyMap<string, string>) => Promise<ContainerLaunch>;
  /** Deletes the pod object with grace 0 once everything stopped (no-op when it is gone). */
  readonly deletePod: (pod: Pod) => Promise<void>;
  /** Called once the pod is terminated and cleaned up. */
  readonly onDone: (uid: string) => void;
  /** How long before a failed configuration or volume setup is retried, ms. @default 10000 */
  readonly retryMs?: number;
  /** How often volumes are refreshed from their ConfigMaps and Secrets, ms. @default 60000 */
  readonly volumeRefreshMs?: number;
}

type WorkerState = 'active' | 'terminating' | 'done';

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go's duration format for whole seconds: 10s, 1m20s, 5m0s. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

/** The waiting message of a container the process runtime cannot run. */
export function commandRequiredMessage(c: Container): string {
  const image = c.image !== undefined && c.image !== '' ? ` ("${c.image}")` : '';
  return (
    `container "${c.name}" has no command: the process runtime runs a container's command and args as a host process and ignores its image${image}; ` +
    'set command (and args) to what should run'
  );
}

export class PodWorker {
  readonly uid: string;
  readonly #ctx: PodWorkerContext;
  #pod: Pod;
  #removed = false;
  #state: WorkerState = 'active';
  readonly #containers = new Map<string, ContainerState>();
  readonly #initContainers = new Map<string, ContainerState>();
  readonly #handles = new Map<string, ContainerHandle>();
  /** Monotonic time of each container's last exit, for the restart backoff. */
  readonly #exitedAt = new Map<string, number>();
  readonly #probers = new Map<string, Prober[]>();
  #podIP: string | undefined;
  #sandbox: PodSandbox | undefined;
  #sandboxMessage: string | undefined;
  #sandboxRefreshedAt = Number.NEGATIVE_INFINITY;
  readonly #startTime: string;
  #syncing: Promise<void> | undefined;
  #dirty = false;
  #wake: { at: number; abort: AbortController } | undefined;
  /** Monotonic deadline of a termination in progress. */
  #killDeadline = Number.POSITIVE_INFINITY;
  #saving: Promise<void> = Promise.resolve();
  /** Why the kubelet failed the pod itself, once it did. */
  #failure: { reason: string; message: string } | undefined;
  /** Set by detach(): the kubelet is stopping, the worker does nothing more. */
  #detached = false;

  constructor(pod: Pod, ctx: PodWorkerContext, recovered?: RecoveredPod) {
    this.uid = pod.metadata.uid ?? '';
    this.#pod = pod;
    this.#ctx = ctx;
    this.#startTime = pod.status?.startTime ?? rfc3339(ctx.clock.wallNow());
    if (recovered !== undefined) this.#adopt(recovered);
  }

  /** The pod as last seen. */
  get pod(): Pod {
    return this.#pod;
  }

  get podIP(): string | undefined {
    return this.#podIP;
  }

  /** The running instance of container `name`, if any (exec, logs). */
  handle(name: string): ContainerHandle | undefined {
    return this.#handles.get(name);
  }

  /** The kubelet's record of container `name` (regular or init). */
  containerState(name: string): ContainerState | undefined {
    return this.#containers.get(name) ?? this.#initContainers.get(name);
  }

  /** Whether the worker has finished (the pod was terminated and cleaned up). */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** A new version of the pod from the informer. */
  update(pod: Pod): void {
    this.#pod = pod;
    if (this.#state === 'terminating') this.#shortenGrace();
    this.kick();
  }

  /** The pod is gone from the API (or no longer bound here): terminate it. */
  remove(): void {
    this.#removed = true;
    if (this.#state === 'terminating') this.#shortenGrace();
    this.kick();
  }

  /** Schedules a sync (coalesced with one in progress). */
  kick(): void {
    if (this.#state === 'done' || this.#detached) return;
    if (this.#syncing !== undefined) {
      this.#dirty = true;
      return;
    }
    this.#syncing = (async () => {
      try {
        do {
          this.#dirty = false;
          try {
            await this.#sync();
          } catch (err) {
            this.#ctx.logger.error('pod sync failed; retrying', { pod: podKey(this.#pod), error: err });
            this.#wakeAfter(this.#ctx.retryMs ?? 10_000);
          }
        } while (this.#dirty && this.#state !== 'done');
      } finally {
        this.#syncing = undefined;
      }
    })();
  }

  /** Resolves once no sync is running or pending (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#syncing !== undefined) await this.#syncing;
  }

  /** Stops timers, probes and syncs, leaving containers running (kubelet shutdown). */
  async detach(): Promise<void> {
    this.#detached = true;
    this.#wake?.abort.abort();
    this.#wake = undefined;
    await Promise.all([...this.#probers.keys()].map((name) => this.#stopProbers(name)));
    await this.#saving;
  }

  // ---- sync ----

  async #sync(): Promise<void> {
    if (this.#state === 'done') return;
    if (this.#removed || this.#pod.metadata.deletionTimestamp !== undefined) return this.#terminate();
    if (this.#state !== 'active') return;
    const phase = computePhase(this.#statusInput());
    if (phase === 'Succeeded' || phase === 'Failed') return this.#writeStatus();
    if (this.#deadlineExceeded()) return this.#failPod('DeadlineExceeded', 'Pod was active on the node longer than the specified deadline');
    if (await this.#ensureSandbox()) {
      if (await this.#syncInitContainers()) await this.#syncContainers();
    }
    this.#writeStatus();
  }

  /** Whether spec.activeDeadlineSeconds has passed since the pod started here (else wakes up then). */
  #deadlineExceeded(): boolean {
    const deadline = this.#pod.spec.activeDeadlineSeconds;
    if (deadline === undefined) return false;
    const remaining = Date.parse(this.#startTime) + deadline * 1000 - this.#ctx.clock.wallNow().getTime();
    if (remaining <= 0) return true;
    this.#wakeAfter(remaining);
    return false;
  }

  /** Ends the pod as Failed with `reason`: every container stopped, nothing restarted. */
  async #failPod(reason: string, message: string): Promise<void> {
    this.#failure = { reason, message };
    this.#ctx.events.record(this.#pod, 'Normal', reason, message);
    await Promise.all([...this.#probers.keys()].map((name) => this.#stopProbers(name)));
    const grace = Math.max(MINIMUM_GRACE_SECONDS, this.#pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    await Promise.all([...this.#handles.values()].map((h) => h.stop(grace)));
    this.#writeStatus();
  }

  async #ensureSandbox(): Promise<boolean> {
    // A hostNetwork pod shares the node's address, as upstream; the others get one of their own.
    if (this.#podIP === undefined && this.#pod.spec.hostNetwork === true) this.#podIP = this.#ctx.hostIP;
    if (this.#podIP === undefined) {
      try {
        this.#podIP = this.#ctx.allocateIP();
      } catch (err) {
        this.#sandboxMessage = (err as Error).message;
        this.#wakeAfter(this.#ctx.retryMs ?? 10_000);
        return false;
      }
    }
    const now = this.#ctx.clock.now();
    if (this.#sandbox !== undefined && now - this.#sandboxRefreshedAt < (this.#ctx.volumeRefreshMs ?? 60_000)) return true;
    try {
      this.#sandbox = await this.#ctx.runtime.preparePod(this.#pod, this.#podIP);
      this.#sandboxRefreshedAt = now;
      this.#sandboxMessage = undefined;
      // Nothing else may sync a settled pod again: its volumes would never be refreshed.
      this.#wakeAfter(this.#ctx.volumeRefreshMs ?? 60_000);
      return true;
    } catch (err) {
      if (!(err instanceof VolumeSetupError)) throw err;
      if (this.#sandboxMessage !== err.message) this.#ctx.events.record(this.#pod, 'Warning', 'FailedMount', err.message);
      this.#sandboxMessage = err.message;
      this.#wakeAfter(this.#ctx.retryMs ?? 10_000);
      // Containers already running keep running with the volumes as they were.
      return this.#sandbox !== undefined;
    }
  }

  /** Runs init containers in order; true once all have succeeded. */
  async #syncInitContainers(): Promise<boolean> {
    const policy = restartPolicyOf(this.#pod);
    for (const c of this.#pod.spec.initContainers ?? []) {
      const st = this.#stateOf(c.name, true);
      if (this.#handles.has(c.name)) return false;
      const exit = st.lastExit;
      if (exit !== undefined && exit.exitCode === 0) continue;
      if (exit !== undefined) {
        // A failed init container is retried unless the pod never restarts anything.
        if (policy !== 'Never') await this.#restartWithBackoff(c, true);
        return false;
      }
      await this.#start(c, true);
      return false;
    }
    return true;
  }

  async #syncContainers(): Promise<void> {
    const policy = restartPolicyOf(this.#pod);
    for (const c of this.#pod.spec.containers) {
      const st = this.#stateOf(c.name, false);
      if (this.#handles.has(c.name)) continue;
      if (st.lastExit === undefined) await this.#start(c, false);
      else if (willRestart(policy, st.lastExit)) await this.#restartWithBackoff(c, false);
    }
  }

  async #restartWithBackoff(c: Container, init: boolean): Promise<void> {
    const st = this.#stateOf(c.name, init);
    const key = `${this.uid}/${c.name}`;
    const now = this.#ctx.clock.now();
    const exitedAt = this.#exitedAt.get(c.name) ?? now;
    const at = this.#ctx.backoff.restartAt(key, exitedAt);
    if (at > now) {
      const message = `back-off ${formatDuration(this.#ctx.backoff.currentDelay(key))} restarting failed container=${c.name} pod=${this.#pod.metadata.name}_${this.#pod.metadata.namespace}(${this.uid})`;
      if (st.waiting?.reason !== 'CrashLoopBackOff') this.#ctx.events.record(this.#pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${this.#pod.metadata.name}_${this.#pod.metadata.namespace}(${this.uid})`, c.name);
      st.waiting = { reason: 'CrashLoopBackOff', message };
      this.#wakeAfter(at - now);
      return;
    }
    this.#ctx.backoff.granted(key, exitedAt, now);
    await this.#start(c, init);
  }

  async #start(c: Container, init: boolean): Promise<void> {
    const st = this.#stateOf(c.name, init);
    if ((c.command ?? []).length === 0) {
      st.waiting = { reason: 'CommandRequired', message: commandRequiredMessage(c) };
      return;
    }
    const sandbox = this.#sandbox!;
    const mounts = containerMounts(c, sandbox.volumePaths);
    const runtimeEnv = new Map([...sandbox.baseEnv, ...mounts.env]);
    let launch: ContainerLaunch;
    try {
      launch = await this.#ctx.launch(this.#pod, c, runtimeEnv);
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      if (st.waiting?.message !== err.message) this.#ctx.events.record(this.#pod, 'Warning', 'Failed', `Error: ${err.message}`, c.name);
      st.waiting = { reason: 'CreateContainerConfigError', message: err.message };
      this.#wakeAfter(this.#ctx.retryMs ?? 10_000);
      return;
    }
    if (this.#state !== 'active') return;
    const instance = st.lastExit === undefined ? st.restartCount : st.restartCount + 1;
    const workingDir = c.workingDir !== undefined && c.workingDir !== '' ? mapWorkingDir(c.workingDir, mounts.mounts) : undefined;
    let handle: ContainerHandle;
    try {
      handle = await this.#ctx.runtime.startContainer(this.#pod, { name: c.name, instance, argv: launch.argv, env: launch.env, workingDir });
    } catch (err) {
      if (!(err instanceof StartError)) throw err;
      const now = rfc3339(this.#ctx.clock.wallNow());
      recordStart(st, '', now);
      recordExit(st, { exitCode: 128, reason: 'StartError', message: err.message, startedAt: '', finishedAt: now, containerID: '' });
      this.#exitedAt.set(c.name, this.#ctx.clock.now());
      this.#ctx.events.record(this.#pod, 'Warning', 'Failed', `Error: ${err.message}`, c.name);
      this.#save();
      this.#dirty = true;
      return;
    }
    recordStart(st, handle.containerID, handle.startedAt);
    this.#handles.set(c.name, handle);
    this.#ctx.events.record(this.#pod, 'Normal', 'Started', `Started container ${c.name}`, c.name);
    this.#save();
    void handle.exited.then((exit) => this.#onExit(c.name, handle, exit));
    if (!init) this.#startProbers(c, handle, st);
    if (c.lifecycle?.postStart !== undefined) this.#runPostStart(c, handle);
  }

  #onExit(name: string, handle: ContainerHandle, exit: ContainerExit): void {
    // A detached worker's kubelet is gone: the next kubelet run adopts and records this exit.
    if (this.#detached || this.#handles.get(name) !== handle) return;
    this.#handles.delete(name);
    void this.#stopProbers(name);
    const st = this.containerState(name);
    if (st === undefined) return;
    recordExit(st, exit);
    this.#exitedAt.set(name, this.#ctx.clock.now());
    this.#save();
    this.kick();
  }

  #runPostStart(c: Container, handle: ContainerHandle): void {
    const grace = (this.#pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    void runHandler(c.lifecycle!.postStart!, this.#handlerContext(c, handle), grace).then((result) => {
      if (result.ok || this.#handles.get(c.name) !== handle) return;
      this.#ctx.events.record(this.#pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${result.message ?? ''}`, c.name);
      void handle.stop(grace);
    });
  }

  // ---- probes ----

  #handlerContext(c: Container, handle: ContainerHandle): HandlerContext {
    return { podIP: this.#podIP ?? '', container: c, exec: (argv, timeoutMs) => this.#execCapture(handle, argv, timeoutMs) };
  }

  async #execCapture(handle: ContainerHandle, argv: readonly string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    const proc = this.#ctx.runtime.exec(handle, argv, { stdin: false, tty: false, timeoutMs });
    let output = '';
    const collect = (d: Buffer): void => {
      if (output.length < EXEC_OUTPUT_LIMIT) output += d.toString('utf8');
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    const exitCode = await proc.exited;
    return { exitCode, output: output.slice(0, EXEC_OUTPUT_LIMIT) };
  }

  #probeGraceMs(probe: Probe): number {
    return (probe.terminationGracePeriodSeconds ?? this.#pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  }

  #startProbers(c: Container, handle: ContainerHandle, st: ContainerState): void {
    const current = (): boolean => this.#handles.get(c.name) === handle;
    const ctx = this.#handlerContext(c, handle);
    const add = (p: Prober): void => {
      this.#probers.set(c.name, [...(this.#probers.get(c.name) ?? []), p]);
      p.start();
    };
    const afterStartup = (): void => {
      const readiness = c.readinessProbe;
      if (readiness === undefined) st.ready = true;
      else {
        add(
          new Prober({
            kind: 'readiness',
            probe: readiness,
            clock: this.#ctx.clock,
            attempt: (ms) => runHandler(readiness, ctx, ms),
            onVerdict: (ok, last) => {
              if (!current()) return;
              st.ready = ok;
              if (!ok) this.#ctx.events.record(this.#pod, 'Warning', 'Unhealthy', `Readiness probe failed: ${last.message ?? ''}`, c.name);
              this.#writeStatus();
            },
          }),
        );
      }
      const liveness = c.livenessProbe;
      if (liveness !== undefined) {
        add(
          new Prober({
            kind: 'liveness',
            probe: liveness,
            clock: this.#ctx.clock,
            attempt: (ms) => runHandler(liveness, ctx, ms),
            onVerdict: (ok, last) => {
              if (ok || !current()) return;
              this.#ctx.events.record(this.#pod, 'Warning', 'Unhealthy', `Liveness probe failed: ${last.message ?? ''}`, c.name);
              this.#ctx.events.record(this.#pod, 'Normal', 'Killing', `Container ${c.name} failed liveness probe, will be restarted`, c.name);
              void handle.stop(this.#probeGraceMs(liveness));
            },
          }),
        );
      }
    };
    const startup = c.startupProbe;
    if (startup === undefined) {
      st.started = true;
      afterStartup();
      return;
    }
    const prober = new Prober({
      kind: 'startup',
      probe: startup,
      clock: this.#ctx.clock,
      attempt: (ms) => runHandler(startup, ctx, ms),
      onVerdict: (ok, last) => {
        if (!current()) return;
        if (ok) {
          st.started = true;
          void prober.stop();
          afterStartup();
          this.#writeStatus();
          return;
        }
        this.#ctx.events.record(this.#pod, 'Warning', 'Unhealthy', `Startup probe failed: ${last.message ?? ''}`, c.name);
        this.#ctx.events.record(this.#pod, 'Normal', 'Killing', `Container ${c.name} failed startup probe, will be restarted`, c.name);
        void handle.stop(this.#probeGraceMs(startup));
      },
    });
    add(prober);
  }

  async #stopProbers(name: string): Promise<void> {
    const probers = this.#probers.get(name) ?? [];
    this.#probers.delete(name);
    await Promise.all(probers.map((p) => p.stop()));
  }

  // ---- termination ----

  #gracePeriodMs(): number {
    const meta = this.#pod.metadata;
    const seconds = meta.deletionGracePeriodSeconds ?? (this.#removed ? 0 : (this.#pod.spec.terminationGracePeriodSeconds ?? 30));
    return Math.max(MINIMUM_GRACE_SECONDS, seconds) * 1000;
  }

  /** A later deletion with a shorter grace period cuts a termination in progress short. */
  #shortenGrace(): void {
    const deadline = this.#ctx.clock.now() + this.#gracePeriodMs();
    if (deadline >= this.#killDeadline) return;
    this.#killDeadline = deadline;
    for (const h of this.#handles.values()) void h.stop(this.#remainingGrace());
  }

  #remainingGrace(): number {
    return Math.max(0, this.#killDeadline - this.#ctx.clock.now());
  }

  /** Stops everything (once), then finishes: final status, DELETE, clean-up (retried until done). */
  async #terminate(): Promise<void> {
    if (this.#state === 'active') await this.#stopAll();
    if (this.#state !== 'terminating') return;
    this.#writeStatus();
    await this.#ctx.status.flush(this.uid);
    await this.#saving;
    if (!this.#removed) {
      try {
        await this.#ctx.deletePod(this.#pod);
      } catch (err) {
        this.#ctx.logger.warn('cannot delete the terminated pod; retrying', { pod: podKey(this.#pod), error: err });
        this.#wakeAfter(this.#ctx.retryMs ?? 10_000);
        return;
      }
    }
    await this.#cleanUp();
  }

  async #stopAll(): Promise<void> {
    this.#state = 'terminating';
    this.#wake?.abort.abort();
    this.#wake = undefined;
    this.#killDeadline = this.#ctx.clock.now() + this.#gracePeriodMs();
    await Promise.all([...this.#probers.keys()].map((name) => this.#stopProbers(name)));
    this.#writeStatus();
    const all = [...(this.#pod.spec.initContainers ?? []), ...this.#pod.spec.containers];
    await Promise.all(
      [...this.#handles].map(async ([name, handle]) => {
        const c = all.find((x) => x.name === name);
        this.#ctx.events.record(this.#pod, 'Normal', 'Killing', `Stopping container ${name}`, name);
        const preStop = c?.lifecycle?.preStop;
        if (c !== undefined && preStop !== undefined) {
          const budget = this.#remainingGrace();
          const abort = new AbortController();
          const result: { ok: boolean; message?: string } = await Promise.race([
            runHandler(preStop, this.#handlerContext(c, handle), budget),
            this.#ctx.clock.sleep(budget, abort.signal).then(
              () => ({ ok: false, message: 'the grace period ended first' }),
              () => ({ ok: true }),
            ),
          ]);
          abort.abort();
          if (!result.ok) this.#ctx.events.record(this.#pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${result.message ?? ''}`, name);
        }
        await handle.stop(this.#remainingGrace());
      }),
    );
    // Let the exit callbacks record every instance before the final status.
    while (this.#handles.size > 0) {
      await Promise.all([...this.#handles.values()].map((h) => h.exited));
      await new Promise((r) => setImmediate(r));
    }
  }

  async #cleanUp(): Promise<void> {
    this.#ctx.status.forget(this.uid);
    await this.#ctx.runtime.removePod(this.uid);
    if (this.#podIP !== undefined && this.#podIP !== this.#ctx.hostIP) this.#ctx.releaseIP(this.#podIP);
    this.#ctx.backoff.forgetPrefix(`${this.uid}/`);
    this.#wake?.abort.abort();
    this.#wake = undefined;
    this.#state = 'done';
    this.#ctx.onDone(this.uid);
  }

  // ---- status and persistence ----

  #stateOf(name: string, init: boolean): ContainerState {
    const map = init ? this.#initContainers : this.#containers;
    let st = map.get(name);
    if (st === undefined) {
      st = newContainerState(name);
      map.set(name, st);
    }
    return st;
  }

  #statusInput(): PodStatusInput {
    return {
      pod: this.#pod,
      containers: this.#containers,
      initContainers: this.#initContainers,
      hostIP: this.#ctx.hostIP,
      podIP: this.#podIP,
      startTime: this.#startTime,
      sandboxReady: this.#sandbox !== undefined,
      terminating: this.#state !== 'active',
      now: rfc3339(this.#ctx.clock.wallNow()),
      ...(this.#sandboxMessage === undefined ? {} : { message: this.#sandboxMessage }),
      ...(this.#failure === undefined ? {} : { failure: this.#failure }),
    };
  }

  #writeStatus(): void {
    if (this.#state === 'done' || this.#detached) return;
    this.#ctx.status.set(this.#pod, computePodStatus(this.#statusInput()));
  }

  /** Persists the containers' history (serialized, in the background). */
  #save(): void {
    const containers: SavedContainer[] = [
      ...[...this.#initContainers.values()].map((s) => ({ name: s.name, init: true, state: { restartCount: s.restartCount, lastExit: s.lastExit, previousExit: s.previousExit } })),
      ...[...this.#containers.values()].map((s) => ({ name: s.name, init: false, state: { restartCount: s.restartCount, lastExit: s.lastExit, previousExit: s.previousExit } })),
    ];
    const ip = this.#podIP ?? '';
    this.#saving = this.#saving
      .then(() => this.#ctx.runtime.saveContainers(this.#pod, ip, containers))
      .catch((err: unknown) => this.#ctx.logger.warn('cannot save container state', { pod: podKey(this.#pod), error: err }));
  }

  /** Continues a pod a previous kubelet run left behind. */
  #adopt(recovered: RecoveredPod): void {
    this.#podIP = recovered.podIP === '' ? undefined : recovered.podIP;
    const initNames = new Set((this.#pod.spec.initContainers ?? []).map((c) => c.name));
    for (const saved of recovered.containers) {
      const st = this.#stateOf(saved.name, saved.init || initNames.has(saved.name));
      st.restartCount = saved.state.restartCount;
      st.lastExit = saved.state.lastExit;
      st.previousExit = saved.state.previousExit;
    }
    const previous = [...(this.#pod.status?.containerStatuses ?? []), ...(this.#pod.status?.initContainerStatuses ?? [])];
    for (const [name, exit] of recovered.exitedWhileAway) {
      const st = this.#stateOf(name, initNames.has(name));
      if (st.lastExit !== undefined) st.restartCount++;
      st.running = { containerID: exit.containerID, startedAt: exit.startedAt };
      recordExit(st, exit);
      this.#exitedAt.set(name, this.#ctx.clock.now());
    }
    for (const [name, handle] of recovered.running) {
      const init = initNames.has(name);
      const st = this.#stateOf(name, init);
      st.running = { containerID: handle.containerID, startedAt: handle.startedAt };
      st.waiting = undefined;
      this.#handles.set(name, handle);
      const before = previous.find((s) => s.name === name && s.containerID === handle.containerID);
      const c = [...(this.#pod.spec.initContainers ?? []), ...this.#pod.spec.containers].find((x) => x.name === name);
      void handle.exited.then((exit) => this.#onExit(name, handle, exit));
      if (c !== undefined && !init) {
        this.#startProbers(c, handle, st);
        // Keep the verdicts the API last showed until the probes speak, so a kubelet restart does not flap endpoints.
        if (before?.ready === true) st.ready = true;
        if (before?.started === true) st.started = true;
      }
    }
    this.#save();
  }

  #wakeAfter(ms: number): void {
    const at = this.#ctx.clock.now() + ms;
    if (this.#wake !== undefined && this.#wake.at <= at) return;
    this.#wake?.abort.abort();
    const abort = new AbortController();
    this.#wake = { at, abort };
    this.#ctx.clock.sleep(ms, abort.signal).then(
      () => {
        if (this.#wake?.abort === abort) this.#wake = undefined;
        this.kick();
      },
      () => undefined,
    );
  }
}
