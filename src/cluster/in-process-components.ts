/**
 * Components that run inside the `k8ts server` process next to the apiserver (the controller
 * manager, the scheduler). Each talks to the apiserver over HTTPS through the client code, exactly
 * as it would from a process of its own; running it here only saves a process.
 *
 * To add one, append a descriptor to IN_PROCESS_COMPONENTS. They start in order once the
 * apiserver listens, and stop in reverse order before it closes.
 */
import { controllerManagerComponent } from './controller-manager-component.ts';
import { kubeProxyComponent } from './kube-proxy-component.ts';
import { kubeletComponent } from './kubelet-component.ts';
import type { Taint } from '../kubelet/index.ts';
import { schedulerComponent } from './scheduler-component.ts';

/** Lease timings for leader-elected components (see LeaderElectorOptions); omitted: its defaults. */
export interface LeaderElectionTiming {
  readonly leaseDurationSeconds?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

/** What a component gets to reach the apiserver as the cluster admin. */
export interface InProcessComponentContext {
  /** `https://<address>:<port>` of the local apiserver. */
  readonly apiServerUrl: string;
  /**
   * Every apiserver the component may fail over to, the local one first (seeds: a component
   * keeps the list current from the `kubernetes` Endpoints with runEndpointsRefresher, keeping
   * the local one first while it is listed).
   */
  readonly apiServerUrls: readonly string[];
  /** The node this server runs on (`cp-2`); part of leader-election identities. */
  readonly nodeName: string;
  readonly leaderElection: LeaderElectionTiming;
  /** The admin kubeconfig (context k8ts-<name>), for components that load a kubeconfig. */
  readonly kubeconfigPath: string;
  /** The same credentials as PEM: the cluster CA and the admin client certificate and key. */
  readonly tls: { readonly caPem: string; readonly certPem: string; readonly keyPem: string };
  /** Writes one line to the server's log, prefixed with the component's name. */
  readonly log: (message: string) => void;
  /** The node this server runs a kubelet for (single-node clusters); the kubelet component does nothing without it. */
  readonly node?: InProcessNode;
}

/** A node whose kubelet runs inside `k8ts server`. */
export interface InProcessNode {
  readonly name: string;
  /** Its address: InternalIP and where the kubelet listens (port 10250). */
  readonly ip: string;
  readonly podCIDR: string;
  /** Taints to register the node with (none on a single-node cluster, whose node must take pods). */
  readonly taints?: readonly Taint[];
  /** The kubelet's data directory. */
  readonly dataDir: string;
  /** The kubelet's serving certificate and key (PEM), signed by the cluster CA. */
  readonly serving: { readonly certPem: string; readonly keyPem: string };
}

export interface RunningComponent {
  /** Stops the component; resolves once it has let go of everything it held. */
  stop(): Promise<void>;
}

export interface InProcessComponent {
  /** Shown in the log, e.g. `namespace-controller`. */
  readonly name: string;
  start(ctx: InProcessComponentContext): Promise<RunningComponent>;
}

/** The components `k8ts server` runs, in start order. */
export const IN_PROCESS_COMPONENTS: readonly InProcessComponent[] = [controllerManagerComponent, schedulerComponent, kubeletComponent, kubeProxyComponent];

/**
 * The components named in `names` (`none` alone: no component), in start order.
 * @throws Error naming the unknown component and the known ones
 */
export function selectInProcessComponents(names: readonly string[], known: readonly InProcessComponent[] = IN_PROCESS_COMPONENTS): InProcessComponent[] {
  if (names.length === 1 && names[0] === 'none') return [];
  for (const name of names) {
    if (!known.some((c) => c.name === name)) {
      throw new Error(`unknown component ${JSON.stringify(name)}; known: ${known.map((c) => c.name).join(', ')} (or none)`);
    }
  }
  return known.filter((c) => names.includes(c.name));
}

/** A started component with its name, for stopping and logging. */
export interface StartedComponent {
  readonly name: string;
  readonly running: RunningComponent;
}

/**
 * Starts `components` in order. If one fails, those already started are stopped (in reverse
 * order) and the error is rethrown.
 */
export async function startInProcessComponents(
  ctx: Omit<InProcessComponentContext, 'log'>,
  log: (message: string) => void,
  components: readonly InProcessComponent[] = IN_PROCESS_COMPONENTS,
): Promise<StartedComponent[]> {
  const started: StartedComponent[] = [];
  for (const component of components) {
    try {
      const running = await component.start({ ...ctx, log: (message) => log(`${component.name}: ${message}`) });
      started.push({ name: component.name, running });
      log(`started ${component.name}`);
    } catch (err) {
      await stopInProcessComponents(started, log);
      throw new Error(`cannot start ${component.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return started;
}

/** Stops `started` in reverse order; a failure is logged and the others still stop. */
export async function stopInProcessComponents(started: readonly StartedComponent[], log: (message: string) => void): Promise<void> {
  for (const component of [...started].reverse()) {
    try {
      await component.running.stop();
    } catch (err) {
      log(`stopping ${component.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
