/** The built-in load balancer: the TCP proxy over a checked backend pool. */
import type { Backend } from './backends.ts';
import { BackendPool, type BackendPoolOptions, type BackendStatus } from './backend-pool.ts';
import { startTcpBalancer } from './tcp-balancer.ts';

/** A load balancer of either engine, as `k8ts lb` drives it. */
export interface RunningLoadBalancer {
  /** `address:port` it serves clients on. */
  readonly listen: string;
  status(): Promise<BackendStatus[]>;
  /** Replaces the backends (connections to the others are kept). */
  setBackends(backends: readonly Backend[]): Promise<void>;
  close(): Promise<void>;
}

export interface BuiltinBalancerOptions extends BackendPoolOptions {
  readonly bindAddress: string;
  readonly port: number;
  readonly backends: readonly Backend[];
}

export async function startBuiltinBalancer(opts: BuiltinBalancerOptions): Promise<RunningLoadBalancer> {
  const pool = new BackendPool(opts);
  pool.setBackends(opts.backends);
  let tcp;
  try {
    tcp = await startTcpBalancer({ bindAddress: opts.bindAddress, port: opts.port, pool, ...(opts.log === undefined ? {} : { log: opts.log }) });
  } catch (err) {
    pool.stop();
    throw err;
  }
  const running = tcp;
  return {
    listen: running.address,
    status: async () => pool.status(),
    setBackends: async (backends) => pool.setBackends(backends),
    async close() {
      pool.stop();
      await running.close();
    },
  };
}
