/**
 * The Prometheus metrics of an apiserver's process, served in the Prometheus text format at
 * `/metrics`: the apiserver's own (apiserver/request-metrics.ts), the leader electors of the
 * components running in the process (util/leader-status.ts, reported here as upstream's
 * components report them), and Node.js's. Only the apiserver loads this module: the metrics
 * library costs some 20 MB of memory, which an agent need not pay.
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { runningElectors } from './leader-status.ts';

export const processMetrics = new Registry();

new Gauge({
  name: 'leader_election_master_status',
  help: 'Whether this process leads the lease: 1 while leading, else 0',
  labelNames: ['name'],
  registers: [processMetrics],
  collect() {
    this.reset();
    for (const e of runningElectors()) this.set({ name: e.name }, e.status.isLeader ? 1 : 0);
  },
});

new Gauge({
  name: 'k8ts_leader_election_transitions_total',
  help: 'How many times this process became leader of the lease',
  labelNames: ['name'],
  registers: [processMetrics],
  collect() {
    this.reset();
    for (const e of runningElectors()) this.set({ name: e.name }, e.status.transitions);
  },
});

let defaultsOn = false;

/**
 * Adds Node.js's own metrics (CPU, memory, event loop lag, GC) to the registry, once: called by
 * the process that serves `/metrics`, so processes that serve none do not pay for them.
 */
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: processMetrics });
}
