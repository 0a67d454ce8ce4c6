/**
 * Leader-election metrics, as upstream's components report them: `leader_election_master_status`
 * (1 while this process leads the lease `name`, else 0) and `k8ts_leader_election_transitions_total`
 * (how many times it became leader), for every elector running in this process.
 */
import { Gauge } from 'prom-client';
import { processMetrics } from '../util/metrics.ts';
import type { LeaderElectionMetrics } from './leader-election.ts';

interface Tracked {
  readonly name: string;
  readonly metrics: () => LeaderElectionMetrics;
}

const running = new Set<Tracked>();

new Gauge({
  name: 'leader_election_master_status',
  help: 'Whether this process leads the lease: 1 while leading, else 0',
  labelNames: ['name'],
  registers: [processMetrics],
  collect() {
    this.reset();
    for (const t of running) this.set({ name: t.name }, t.metrics().isLeader ? 1 : 0);
  },
});

new Gauge({
  name: 'k8ts_leader_election_transitions_total',
  help: 'How many times this process became leader of the lease',
  labelNames: ['name'],
  registers: [processMetrics],
  collect() {
    this.reset();
    for (const t of running) this.set({ name: t.name }, t.metrics().transitions);
  },
});

/** Reports an elector of lease `name` (e.g. `kube-system/kube-scheduler`) until the returned function is called. */
export function trackElector(name: string, metrics: () => LeaderElectionMetrics): () => void {
  const tracked = { name, metrics };
  running.add(tracked);
  return () => running.delete(tracked);
}
