/**
 * Status conditions (`status.conditions[]`) as controllers maintain them: one entry per type,
 * `lastTransitionTime` moving only when the status changes, and — for kinds that track it
 * (Deployments) — `lastUpdateTime` moving on every change of reason or message.
 */
import { formatTime } from './time.ts';

/** One condition, in the shape every workload kind uses. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
}

/** The condition of `type` in `conditions`, if any. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * `conditions` with `next` in place of the condition of its type. Setting the same status,
 * reason and message again changes nothing (timestamps included); a changed status moves
 * `lastTransitionTime` to `now`. With `trackUpdates`, `lastUpdateTime` is set to `now` on any
 * change.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime' | 'lastUpdateTime'>,
  now: Date,
  opts: { trackUpdates?: boolean } = {},
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const current = i >= 0 ? list[i] : undefined;
  if (current !== undefined && current.status === next.status && current.reason === next.reason && current.message === next.message) return list;
  const stamp = formatTime(now);
  const updated: Condition = {
    ...next,
    ...(opts.trackUpdates === true ? { lastUpdateTime: stamp } : {}),
    lastTransitionTime: current !== undefined && current.status === next.status && current.lastTransitionTime !== undefined ? current.lastTransitionTime : stamp,
  };
  if (i >= 0) list[i] = updated;
  else list.push(updated);
  return list;
}

/** `conditions` without the condition of `type`. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
