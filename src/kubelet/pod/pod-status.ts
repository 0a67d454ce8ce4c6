/**
 * Pod status from the kubelet's container states: phase, the conditions `kubectl get`, Endpoints
 * and `kubectl wait` read, and one containerStatus per container. Pure: the same inputs always
 * give the same status, so the status manager writes only what changed.
 *
 * Phase follows the kubelet's rules: Pending until every init container succeeded and every
 * regular container has started once; Running while any container runs or will be restarted;
 * Succeeded when all ended with 0 and none will restart; Failed when all ended, one failed and
 * none will restart. A pod that reached Succeeded or Failed stays there.
 */
import type { ContainerStatus, ContainerState as ApiContainerState, ContainerStateTerminated, Pod, PodCondition, PodStatus, RestartPolicy } from '../api-types.ts';
import { restartPolicyOf } from '../api-types.ts';
import type { ContainerExit, ContainerState } from './container-state.ts';

/** What the status is computed from. */
export interface PodStatusInput {
  readonly pod: Pod;
  /** State of each regular container, by name (missing: not seen yet). */
  readonly containers: ReadonlyMap<string, ContainerState>;
  /** State of each init container, by name. */
  readonly initContainers: ReadonlyMap<string, ContainerState>;
  /** The node's address. */
  readonly hostIP: string;
  /** The pod's address; undefined until the pod has one. */
  readonly podIP: string | undefined;
  /** When the kubelet accepted the pod (RFC 3339). */
  readonly startTime: string;
  /** The pod's sandbox (directory, address, volumes) is set up. */
  readonly sandboxReady: boolean;
  /** Containers that were told to stop and will not be restarted (the pod is being deleted). */
  readonly terminating: boolean;
  /** Now, RFC 3339 (for condition transition times). */
  readonly now: string;
  /** A message for the whole pod (e.g. why its sandbox cannot be set up). */
  readonly message?: string;
  /** The kubelet failed the pod itself (e.g. DeadlineExceeded): phase Failed with this reason. */
  readonly failure?: { readonly reason: string; readonly message: string };
}

type Phase = NonNullable<PodStatus['phase']>;

function terminatedOf(exit: ContainerExit): ContainerStateTerminated {
  const t: ContainerStateTerminated = { exitCode: exit.exitCode, reason: exit.reason, finishedAt: exit.finishedAt, containerID: exit.containerID };
  if (exit.startedAt !== '') t.startedAt = exit.startedAt;
  if (exit.message !== undefined && exit.message !== '') t.message = exit.message;
  return t;
}

function lastStateOf(exit: ContainerExit | undefined): ApiContainerState {
  return exit === undefined ? {} : { terminated: terminatedOf(exit) };
}

/** One containerStatus; `notStartedReason` is the waiting reason of a container never run yet. */
export function containerStatusOf(image: string, state: ContainerState | undefined, name: string, notStartedReason: string): ContainerStatus {
  const base = { name, image, imageID: '' };
  if (state === undefined) {
    return { ...base, state: { waiting: { reason: notStartedReason } }, lastState: {}, ready: false, restartCount: 0, started: false };
  }
  const common = { ...base, restartCount: state.restartCount };
  if (state.running !== undefined) {
    return {
      ...common,
      state: { running: { startedAt: state.running.startedAt } },
      lastState: lastStateOf(state.lastExit),
      ready: state.ready,
      started: state.started,
      containerID: state.running.containerID,
    };
  }
  if (state.waiting !== undefined) {
    const waiting: { reason: string; message?: string } = { reason: state.waiting.reason };
    if (state.waiting.message !== undefined && state.waiting.message !== '') waiting.message = state.waiting.message;
    const status: ContainerStatus = { ...common, state: { waiting }, lastState: lastStateOf(state.lastExit), ready: false, started: false };
    if (state.lastExit !== undefined) status.containerID = state.lastExit.containerID;
    return status;
  }
  if (state.lastExit !== undefined) {
    return {
      ...common,
      state: { terminated: terminatedOf(state.lastExit) },
      lastState: lastStateOf(state.previousExit),
      ready: false,
      started: false,
      containerID: state.lastExit.containerID,
    };
  }
  return { ...common, state: { waiting: { reason: notStartedReason } }, lastState: {}, ready: false, started: false };
}

/** Whether a finished container will be started again under `policy`. */
export function willRestart(policy: RestartPolicy, exit: ContainerExit): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exit.exitCode !== 0);
}

/** Init containers that have not (yet) completed successfully, in order. */
export function incompleteInitContainers(input: PodStatusInput): string[] {
  return (input.pod.spec.initContainers ?? [])
    .filter((c) => {
      const s = input.initContainers.get(c.name);
      return !(s !== undefined && s.running === undefined && s.waiting === undefined && s.lastExit?.exitCode === 0);
    })
    .map((c) => c.name);
}

/** The pod phase from its container states (see the file comment). */
export function computePhase(input: PodStatusInput): Phase {
  const previous = input.pod.status?.phase;
  if (previous === 'Succeeded' || previous === 'Failed') return previous;
  if (input.failure !== undefined) return 'Failed';
  const policy = restartPolicyOf(input.pod);
  let initPending = 0;
  let initFailed = 0;
  for (const c of input.pod.spec.initContainers ?? []) {
    const s = input.initContainers.get(c.name);
    if (s === undefined || s.running !== undefined) initPending++;
    else if (s.waiting !== undefined) {
      if (s.lastExit !== undefined && s.lastExit.exitCode !== 0) initFailed++;
      else initPending++;
    } else if (s.lastExit === undefined) initPending++;
    else if (s.lastExit.exitCode !== 0) initFailed++;
  }
  // With restartPolicy Never a failed init container is never retried: the pod has failed.
  if (initFailed > 0 && policy === 'Never') return 'Failed';
  if (initPending > 0 || initFailed > 0) return 'Pending';

  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  let restarting = 0;
  for (const c of input.pod.spec.containers) {
    const s = input.containers.get(c.name);
    if (s === undefined) {
      unknown++;
      continue;
    }
    if (s.running !== undefined) running++;
    else if (s.lastExit !== undefined) {
      stopped++;
      if (s.lastExit.exitCode === 0) succeeded++;
      if (!input.terminating && willRestart(policy, s.lastExit)) restarting++;
    } else waiting++;
  }
  if (unknown > 0 || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0 && restarting > 0) return 'Running';
  if (stopped > 0 && stopped === succeeded) return 'Succeeded';
  if (stopped > 0) return 'Failed';
  return 'Pending';
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False', lastProbeTime: null };
  if (!ok && reason !== undefined) c.reason = reason;
  if (!ok && message !== undefined) c.message = message;
  return c;
}

/** Keeps each condition's lastTransitionTime when its status did not change. */
function withTransitionTimes(next: PodCondition[], previous: readonly PodCondition[], now: string): PodCondition[] {
  return next.map((c) => {
    const old = previous.find((p) => p.type === c.type);
    const lastTransitionTime = old !== undefined && old.status === c.status && old.lastTransitionTime != null ? old.lastTransitionTime : now;
    return { ...c, lastTransitionTime };
  });
}

/** Condition types the kubelet owns; others (PodScheduled, DisruptionTarget, readiness gates) are kept as found. */
const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);

/** The whole pod status; see the file comment. */
export function computePodStatus(input: PodStatusInput): PodStatus {
  const pod = input.pod;
  const previous = pod.status ?? {};
  const phase = computePhase(input);
  const terminal = phase === 'Succeeded' || phase === 'Failed';

  const initStatuses = (pod.spec.initContainers ?? []).map((c) => {
    const status = containerStatusOf(c.image ?? '', input.initContainers.get(c.name), c.name, 'PodInitializing');
    // An init container that completed successfully counts as ready, as upstream reports it.
    if (status.state.terminated?.exitCode === 0) status.ready = true;
    return status;
  });
  const incompleteInit = incompleteInitContainers(input);
  const initialized = incompleteInit.length === 0;
  const statuses = pod.spec.containers.map((c) =>
    containerStatusOf(c.image ?? '', input.containers.get(c.name), c.name, initialized ? 'ContainerCreating' : 'PodInitializing'),
  );
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const containersReady = !terminal && unready.length === 0;
  const gates = (pod.spec.readinessGates ?? []).map((g) => g.conditionType);
  const previousConditions = previous.conditions ?? [];
  const unmetGates = gates.filter((type) => previousConditions.find((c) => c.type === type)?.status !== 'True');

  const own: PodCondition[] = [
    condition('PodReadyToStartContainers', input.sandboxReady),
    condition('Initialized', initialized, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`),
  ];
  if (terminal) {
    own.push(condition('ContainersReady', false, 'PodCompleted'), condition('Ready', false, 'PodCompleted'));
  } else {
    own.push(condition('ContainersReady', containersReady, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`));
    if (!containersReady) own.push(condition('Ready', false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`));
    else if (unmetGates.length > 0) own.push(condition('Ready', false, 'ReadinessGatesNotReady', `corresponding condition of pod readiness gate "${unmetGates[0]}" does not exist.`));
    else own.push(condition('Ready', true));
  }
  const kept = previousConditions.filter((c) => !KUBELET_CONDITIONS.has(c.type));
  if (!kept.some((c) => c.type === 'PodScheduled')) kept.unshift({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: input.startTime });
  const conditions = [...kept.slice(0, 1), ...withTransitionTimes(own, previousConditions, input.now), ...kept.slice(1)];

  const status: PodStatus = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: input.startTime,
    containerStatuses: statuses,
  };
  if (input.podIP !== undefined) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  if (previous.qosClass !== undefined) status.qosClass = previous.qosClass;
  if (previous.nominatedNodeName !== undefined) status.nominatedNodeName = previous.nominatedNodeName;
  if (input.message !== undefined) status.message = input.message;
  if (input.failure !== undefined) {
    status.reason = input.failure.reason;
    status.message = input.failure.message;
  }
  return status;
}
