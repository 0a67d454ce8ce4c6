/**
 * The leader electors running in this process and their state, for metrics: the client layer's
 * electors add themselves here, and the apiserver's `/metrics` (util/metrics.ts) reports them.
 * Plain data, so a process that serves no metrics (an agent) does not load a metrics library.
 */

/** What an elector reports (a subset of client/leader-election's LeaderElectionMetrics). */
export interface ElectorStatus {
  readonly isLeader: boolean;
  /** How many times it became leader. */
  readonly transitions: number;
}

interface Tracked {
  /** The lease, `namespace/name`. */
  readonly name: string;
  readonly status: () => ElectorStatus;
}

const running = new Set<Tracked>();

/** Reports an elector of lease `name` until the returned function is called. */
export function trackElector(name: string, status: () => ElectorStatus): () => void {
  const tracked = { name, status };
  running.add(tracked);
  return () => running.delete(tracked);
}

/** The electors running now. */
export function runningElectors(): ReadonlyArray<{ readonly name: string; readonly status: ElectorStatus }> {
  return [...running].map((t) => ({ name: t.name, status: t.status() }));
}
