/**
 * The process's Prometheus metrics: one registry that every layer adds its metrics to (the
 * apiserver's request counters, the leader electors of the components running in the process),
 * served in the Prometheus text format by the apiserver at `/metrics`.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export const processMetrics = new Registry();

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
