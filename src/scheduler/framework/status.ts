/**
 * The result of a plugin call. Success is `null` (no allocation on the hot path: a Filter runs
 * once per pod per node); anything else is a Status with a code saying what the framework and
 * the queue do next.
 */

/**
 * - `Unschedulable`: the pod does not fit here now, but could after the cluster changes or after
 *   preemption on this node (e.g. `Insufficient cpu`). The pod waits for a cluster event one of
 *   the rejecting plugins cares about.
 * - `UnschedulableAndUnresolvable`: it does not fit here and preempting pods on this node would
 *   not help (e.g. an untolerated taint). Same queueing as Unschedulable; preemption skips the node.
 * - `Error`: something broke (a malformed object, a failed API call). The pod is retried after
 *   its backoff, whatever the cluster does.
 * - `Skip`: from PreFilter or PreScore, "this plugin has nothing to do for this pod": its Filter
 *   (or Score) is not called in this cycle. From Bind: "not mine, try the next binder".
 */
export type StatusCode = 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip';

/** A non-success outcome: its code, the reasons shown to users, and the plugin that returned it. */
export interface Status {
  readonly code: StatusCode;
  /** Shown in the FailedScheduling message, counted per node, e.g. `Insufficient cpu`. */
  readonly reasons: readonly string[];
  /** Filled in by the framework. */
  plugin?: string;
}

/** What a plugin returns: null for success. */
export type PluginResult = Status | null;

export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons };
}

export function unresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}

export function errorStatus(message: string): Status {
  return { code: 'Error', reasons: [message] };
}

/** One shared Skip: it carries no reasons, so it can be reused. */
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: [] });

/** Whether the status rejects the pod (Unschedulable or UnschedulableAndUnresolvable). */
export function isRejection(status: Status | null): boolean {
  return status !== null && (status.code === 'Unschedulable' || status.code === 'UnschedulableAndUnresolvable');
}

/** The status's reasons as one line. */
export function statusMessage(status: Status): string {
  return status.reasons.join(', ');
}
