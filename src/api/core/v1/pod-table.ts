/**
 * The `kubectl get pods` columns and row: READY, STATUS and RESTARTS computed the way kubectl's
 * printer does (init progress `Init:1/2`, a waiting or terminated container's reason,
 * `Completed`, `Terminating` once deletion started, restarts with the last restart's age).
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { count, isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, wideColumn, type TableColumnSpec } from '../../meta/table.ts';
import type { KubeObject } from '../../meta/types.ts';

export const podTableColumns: readonly TableColumnSpec[] = [
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last one restarted.'),
  AGE_COLUMN,
  wideColumn('IP', 'string', 'The IP address allocated to the pod.'),
  wideColumn('Node', 'string', 'The node the pod is bound to.'),
  wideColumn('Nominated Node', 'string', 'The node the scheduler nominated for this pod during preemption.'),
  wideColumn('Readiness Gates', 'string', 'How many of the pod readiness gates are satisfied.'),
];

function terminated(cs: JsonObject): JsonObject | undefined {
  return isObject(cs.state) && isObject(cs.state.terminated) ? cs.state.terminated : undefined;
}

function waiting(cs: JsonObject): JsonObject | undefined {
  return isObject(cs.state) && isObject(cs.state.waiting) ? cs.state.waiting : undefined;
}

/** The finish time of a container's previous run, in ms since the epoch (0 when none). */
function lastTerminationTime(cs: JsonObject): number {
  const last = isObject(cs.lastState) && isObject(cs.lastState.terminated) ? cs.lastState.terminated : undefined;
  const t = last === undefined ? NaN : Date.parse(str(last.finishedAt));
  return Number.isNaN(t) ? 0 : t;
}

function hasCondition(status: JsonObject, type: string): boolean {
  return objects(status.conditions).some((c) => c.type === type && c.status === 'True');
}

function exitReason(t: JsonObject, prefix: string): string {
  const signal = count(t.signal);
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${count(t.exitCode)}`;
}

/** READY, STATUS and the restart count and time, as kubectl derives them from the pod. */
export function podSummary(pod: KubeObject): { ready: string; status: string; restarts: number; lastRestart: number } {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const status = isObject(pod.status) ? pod.status : {};
  const initSpecs = objects(spec.initContainers);
  const restartableInit = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => str(c.name)));
  const total = objects(spec.containers).length + restartableInit.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason = str(status.reason) || str(status.phase);
  if (objects(status.conditions).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = objects(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const isSidecar = restartableInit.has(str(cs.name));
    restarts += count(cs.restartCount);
    lastRestart = Math.max(lastRestart, lastTerminationTime(cs));
    if (isSidecar) {
      sidecarRestarts += count(cs.restartCount);
      lastSidecarRestart = Math.max(lastSidecarRestart, lastTerminationTime(cs));
    }
    const term = terminated(cs);
    const wait = waiting(cs);
    if (term !== undefined && count(term.exitCode) === 0) continue;
    if (isSidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (term !== undefined) reason = str(term.reason) !== '' ? `Init:${str(term.reason)}` : exitReason(term, 'Init:');
    else if (wait !== undefined && str(wait.reason) !== '' && wait.reason !== 'PodInitializing') reason = `Init:${str(wait.reason)}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objects(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += count(cs.restartCount);
      lastRestart = Math.max(lastRestart, lastTerminationTime(cs));
      const term = terminated(cs);
      const wait = waiting(cs);
      if (wait !== undefined && str(wait.reason) !== '') reason = str(wait.reason);
      else if (term !== undefined && str(term.reason) !== '') reason = str(term.reason);
      else if (term !== undefined) reason = exitReason(term, '');
      else if (cs.ready === true && isObject(cs.state) && isObject(cs.state.running)) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const phase = str(status.phase);
  if (pod.metadata.deletionTimestamp !== undefined && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp !== undefined && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return { ready: `${ready}/${total}`, status: reason, restarts, lastRestart };
}

export function podTableRow(pod: KubeObject, now: Date): unknown[] {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const status = isObject(pod.status) ? pod.status : {};
  const summary = podSummary(pod);
  let restarts = String(summary.restarts);
  if (summary.restarts !== 0 && summary.lastRestart !== 0) {
    restarts = `${summary.restarts} (${translateTimestampSince(new Date(summary.lastRestart).toISOString(), now)} ago)`;
  }
  const podIPs = objects(status.podIPs);
  const ip = (podIPs.length > 0 ? str(podIPs[0]!.ip) : str(status.podIP)) || '<none>';
  let gates = '<none>';
  const readinessGates = objects(spec.readinessGates);
  if (readinessGates.length > 0) {
    const satisfied = readinessGates.filter((g) => {
      const c = objects(status.conditions).find((cond) => cond.type === g.conditionType);
      return c !== undefined && c.status === 'True';
    }).length;
    gates = `${satisfied}/${readinessGates.length}`;
  }
  return [
    summary.ready,
    summary.status,
    restarts,
    translateTimestampSince(pod.metadata.creationTimestamp, now),
    ip,
    str(spec.nodeName) || '<none>',
    str(status.nominatedNodeName) || '<none>',
    gates,
  ];
}
