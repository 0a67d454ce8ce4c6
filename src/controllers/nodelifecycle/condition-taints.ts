/**
 * The taints a node should carry for its conditions (upstream's TaintNodesByCondition and
 * taint-based eviction), as a pure function of the node: the scheduler avoids nodes with
 * NoSchedule taints, and the taint eviction controller evicts pods from nodes with NoExecute
 * ones once their tolerations run out.
 *
 *   Ready=False    → node.kubernetes.io/not-ready      NoSchedule, NoExecute
 *   Ready=Unknown  → node.kubernetes.io/unreachable    NoSchedule, NoExecute
 *   MemoryPressure=True, DiskPressure=True, PIDPressure=True, NetworkUnavailable=True
 *                  → …/memory-pressure, …/disk-pressure, …/pid-pressure, …/network-unavailable  NoSchedule
 *   spec.unschedulable → node.kubernetes.io/unschedulable NoSchedule
 * Taints with other keys are the user's and are kept as they are; managed taints that still
 * apply keep their `timeAdded`.
 */
import {
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  nodeTaints,
  type Taint,
} from '../../api/core/v1/taints.ts';
import { isObject, objects } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { formatTime } from '../common/time.ts';

const MANAGED = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_PID_PRESSURE, TAINT_NETWORK_UNAVAILABLE]);

const PRESSURE: Readonly<Record<string, string>> = {
  MemoryPressure: TAINT_MEMORY_PRESSURE,
  DiskPressure: TAINT_DISK_PRESSURE,
  PIDPressure: TAINT_PID_PRESSURE,
  NetworkUnavailable: TAINT_NETWORK_UNAVAILABLE,
};

/** The status of a node condition, undefined when the node has none of that type. */
export function nodeConditionStatus(node: KubeObject, type: string): string | undefined {
  const cond = objects(isObject(node.status) ? node.status.conditions : undefined).find((c) => c.type === type);
  return typeof cond?.status === 'string' ? cond.status : undefined;
}

/** The node's taints as its conditions call for (see the file comment). */
export function desiredTaints(node: KubeObject, now: Date): Taint[] {
  const wanted: { key: string; effect: Taint['effect'] }[] = [];
  const ready = nodeConditionStatus(node, 'Ready');
  if (ready === 'False') wanted.push({ key: TAINT_NOT_READY, effect: 'NoSchedule' }, { key: TAINT_NOT_READY, effect: 'NoExecute' });
  if (ready === 'Unknown') wanted.push({ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, { key: TAINT_UNREACHABLE, effect: 'NoExecute' });
  for (const [type, key] of Object.entries(PRESSURE)) if (nodeConditionStatus(node, type) === 'True') wanted.push({ key, effect: 'NoSchedule' });
  if (isObject(node.spec) && node.spec.unschedulable === true) wanted.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });

  const current = nodeTaints(node);
  const kept = current.filter((t) => !MANAGED.has(t.key) || wanted.some((w) => w.key === t.key && w.effect === t.effect));
  for (const w of wanted) {
    if (kept.some((t) => t.key === w.key && t.effect === w.effect)) continue;
    kept.push(w.effect === 'NoExecute' ? { ...w, timeAdded: formatTime(now) } : { ...w });
  }
  return kept;
}
