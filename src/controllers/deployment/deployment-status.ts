/**
 * A Deployment's status as `kubectl rollout status` and `kubectl wait --for=condition=Available`
 * read it: counts summed over its ReplicaSets, `observedGeneration`, and the conditions
 *   Available    True  MinimumReplicasAvailable   (≥ replicas − maxUnavailable pods available)
 *                False MinimumReplicasUnavailable
 *   Progressing  True  NewReplicaSetCreated | FoundNewReplicaSet | ReplicaSetUpdated | NewReplicaSetAvailable
 *                False ProgressDeadlineExceeded  (no progress for progressDeadlineSeconds)
 *                Unknown DeploymentPaused | DeploymentResumed
 *   ReplicaFailure (copied from a ReplicaSet that cannot create or delete pods)
 * Pure functions of the deployment, its ReplicaSets and the time; the controller writes them.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { Condition } from '../common/conditions.ts';
import { findCondition, removeCondition } from '../common/conditions.ts';
import { formatTime, parseTime } from '../common/time.ts';
import { maxUnavailable, specReplicas, statusCount, sum } from './replica-sets.ts';

export const REASON = {
  newReplicaSetCreated: 'NewReplicaSetCreated',
  foundNewReplicaSet: 'FoundNewReplicaSet',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** The deployment's conditions (a copy). */
export function conditionsOf(d: KubeObject): Condition[] {
  return Array.isArray(d.status?.conditions) ? [...(d.status.conditions as Condition[])] : [];
}

/**
 * Deployment conditions change as upstream's SetDeploymentCondition does: the same status and
 * reason again changes nothing (not even the message); a new reason with the same status keeps
 * lastTransitionTime; lastUpdateTime is `now` for every change.
 */
export function setDeploymentCondition(conditions: readonly Condition[], next: Pick<Condition, 'type' | 'status' | 'reason' | 'message'>, now: Date): Condition[] {
  const current = findCondition(conditions, next.type);
  if (current !== undefined && current.status === next.status && current.reason === next.reason) return [...conditions];
  const stamp = formatTime(now);
  const cond: Condition = {
    type: next.type,
    status: next.status,
    lastUpdateTime: stamp,
    lastTransitionTime: current !== undefined && current.status === next.status && current.lastTransitionTime !== undefined ? current.lastTransitionTime : stamp,
    ...(next.reason === undefined ? {} : { reason: next.reason }),
    ...(next.message === undefined ? {} : { message: next.message }),
  };
  return [...removeCondition(conditions, next.type), cond];
}

/** Whether `progressDeadlineSeconds` applies (set, and not the "never" value MaxInt32). */
export function hasProgressDeadline(d: KubeObject): boolean {
  const s: unknown = d.spec?.progressDeadlineSeconds;
  return typeof s === 'number' && s !== 2147483647;
}

/** The counts and the Available condition (upstream's calculateStatus). */
export function calculateStatus(d: KubeObject, all: readonly KubeObject[], newRS: KubeObject | undefined, now: Date): Record<string, any> {
  const available = sum(all, (rs) => statusCount(rs, 'availableReplicas'));
  const total = sum(all, specReplicas);
  let conditions = conditionsOf(d);
  conditions =
    available >= specReplicas(d) - maxUnavailable(d)
      ? setDeploymentCondition(conditions, { type: 'Available', status: 'True', reason: REASON.minimumAvailable, message: 'Deployment has minimum availability.' }, now)
      : setDeploymentCondition(conditions, { type: 'Available', status: 'False', reason: REASON.minimumUnavailable, message: 'Deployment does not have minimum availability.' }, now);
  const collisionCount: unknown = d.status?.collisionCount;
  return {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sum(all, (rs) => statusCount(rs, 'replicas')),
    updatedReplicas: statusCount(newRS, 'replicas'),
    readyReplicas: sum(all, (rs) => statusCount(rs, 'readyReplicas')),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    ...(conditions.length > 0 ? { conditions } : {}),
    ...(typeof collisionCount === 'number' ? { collisionCount } : {}),
  };
}

/** Every replica is updated and available, none are old, and the latest spec was seen. */
export function deploymentComplete(d: KubeObject, status: Record<string, any>): boolean {
  const replicas = specReplicas(d);
  return status.updatedReplicas === replicas && status.replicas === replicas && status.availableReplicas === replicas && status.observedGeneration >= (d.metadata.generation ?? 0);
}

/** Something moved since the stored status: more updated, ready or available pods, or fewer old ones. */
function deploymentProgressing(d: KubeObject, status: Record<string, any>): boolean {
  const old = d.status ?? {};
  const count = (s: Record<string, any>, f: string): number => (typeof s[f] === 'number' ? s[f] : 0);
  return (
    count(status, 'updatedReplicas') > count(old, 'updatedReplicas') ||
    count(status, 'replicas') - count(status, 'updatedReplicas') < count(old, 'replicas') - count(old, 'updatedReplicas') ||
    count(status, 'readyReplicas') > count(old, 'readyReplicas') ||
    count(status, 'availableReplicas') > count(old, 'availableReplicas')
  );
}

/** Milliseconds left before the Progressing condition in `status` passes the deadline (≤ 0: passed). */
export function msUntilDeadline(d: KubeObject, status: Record<string, any>, now: Date): number | undefined {
  const cond = findCondition(status.conditions as Condition[] | undefined, 'Progressing');
  const from = parseTime(cond?.lastUpdateTime);
  if (!hasProgressDeadline(d) || cond === undefined || from === undefined) return undefined;
  return from + (d.spec.progressDeadlineSeconds as number) * 1000 - now.getTime();
}

function timedOut(d: KubeObject, status: Record<string, any>, now: Date): boolean {
  const cond = findCondition(status.conditions as Condition[] | undefined, 'Progressing');
  if (cond === undefined) return false;
  if (cond.reason === REASON.timedOut) return true;
  const left = msUntilDeadline(d, status, now);
  return left !== undefined && left < 0;
}

/**
 * The full status after a rollout step (upstream's syncRolloutStatus): the counts, Progressing
 * per the table in the file comment, and ReplicaFailure from the ReplicaSets.
 */
export function rolloutStatus(d: KubeObject, all: readonly KubeObject[], newRS: KubeObject | undefined, now: Date): Record<string, any> {
  const status = calculateStatus(d, all, newRS, now);
  let conditions: Condition[] = status.conditions ?? [];
  if (!hasProgressDeadline(d)) conditions = removeCondition(conditions, 'Progressing');
  const current = findCondition(conditions, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === REASON.newReplicaSetAvailable;
  const subject = newRS !== undefined ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      conditions = setDeploymentCondition(conditions, { type: 'Progressing', status: 'True', reason: REASON.newReplicaSetAvailable, message: `${subject} has successfully progressed.` }, now);
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even with the same reason: it restarts the deadline.
      const stamp = formatTime(now);
      const cond: Condition = {
        type: 'Progressing',
        status: 'True',
        lastUpdateTime: stamp,
        lastTransitionTime: current?.status === 'True' && current.lastTransitionTime !== undefined ? current.lastTransitionTime : stamp,
        reason: REASON.replicaSetUpdated,
        message: `${subject} is progressing.`,
      };
      conditions = [...removeCondition(conditions, 'Progressing'), cond];
    } else if (timedOut(d, { ...status, conditions }, now)) {
      conditions = setDeploymentCondition(conditions, { type: 'Progressing', status: 'False', reason: REASON.timedOut, message: `${subject} has timed out progressing.` }, now);
    }
  }
  const failure = [newRS, ...all].flatMap((rs) => (rs === undefined ? [] : [findCondition(rs.status?.conditions as Condition[] | undefined, 'ReplicaFailure')])).find((c) => c?.status === 'True');
  conditions =
    failure !== undefined
      ? setDeploymentCondition(conditions, { type: 'ReplicaFailure', status: failure.status, reason: failure.reason, message: failure.message }, now)
      : removeCondition(conditions, 'ReplicaFailure');
  return { ...status, ...(conditions.length > 0 ? { conditions } : { conditions: undefined }) };
}
