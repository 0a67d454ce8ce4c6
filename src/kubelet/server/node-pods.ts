/**
 * What the kubelet's HTTPS server asks of the kubelet behind it: the pods it runs, a container's
 * log, a process inside a container. The process kubelet and the simulated nodes both provide it.
 */
import type { Pod } from '../api-types.ts';
import type { LogFollow } from '../logs/log-reader.ts';
import type { ExecOptions, ExecProcess } from '../runtime/runtime.ts';

/** A request the kubelet cannot serve, with the HTTP status and reason it answers with. */
export class KubeletRequestError extends Error {
  override name = 'KubeletRequestError';
  readonly code: number;
  readonly reason: string;

  constructor(code: number, reason: string, message: string) {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

export const badRequest = (message: string): KubeletRequestError => new KubeletRequestError(400, 'BadRequest', message);
export const notFound = (message: string): KubeletRequestError => new KubeletRequestError(404, 'NotFound', message);

/** Where a container's log is: a file (possibly still growing), or nothing at all (simulated). */
export type LogSource = { readonly path: string; readonly follow: LogFollow | undefined } | { readonly path: undefined };

export interface NodePods {
  /** Every pod the kubelet runs (for `/pods`). */
  pods(): Pod[];
  /** The log of a container instance. @throws KubeletRequestError when there is none */
  containerLog(namespace: string, pod: string, container: string, previous: boolean): LogSource;
  /** Checks that a container runs (exec and attach need that). @throws KubeletRequestError why not */
  checkRunning(namespace: string, pod: string, container: string): void;
  /** Runs a command in a running container. @throws KubeletRequestError when it cannot */
  exec(namespace: string, pod: string, container: string, argv: readonly string[], options: ExecOptions): ExecProcess;
  /** The output of a running container from now on, for attach. @throws KubeletRequestError */
  attach(namespace: string, pod: string, container: string): { readonly path: string; readonly follow: LogFollow };
  /** The pod's address, for port forwarding. @throws KubeletRequestError when the pod is not here or has none */
  podIP(namespace: string, pod: string): string;
}
