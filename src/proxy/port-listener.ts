/**
 * One TCP listening socket of the proxy (a ClusterIP:port, a NodePort on the node address, an
 * external IP:port), bound with "first wins, others stand by":
 *
 * ClusterIPs are cluster-wide, but every node's kube-proxy on one machine sees the same loopback
 * addresses, so only one of them can bind a ClusterIP:port. The listener that gets EADDRINUSE
 * stands by and tries again every `retryMs`; when the holder goes away (its node's agent
 * stopped or was killed, which closes its sockets), a standby binds within one retry period.
 * Every holder balances over all of the service's backends, so it does not matter which proxy
 * holds a listener, only that one does. Other bind failures (an address that is not local, a
 * privileged port) are retried too, more slowly, and reported once.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../client/index.ts';

export type ListenerState = 'binding' | 'listening' | 'standby' | 'failed' | 'closed';

export interface PortListenerOptions {
  readonly address: string;
  readonly port: number;
  /** Called for every accepted connection (paused: nothing is read before the handler pipes it). */
  readonly onConnection: (socket: Socket) => void;
  /** Retry period while another process holds the address (default 1 s). */
  readonly retryMs?: number;
  /** Retry period after other bind failures (default 10 s). */
  readonly failedRetryMs?: number;
  readonly logger: Logger;
  /** Called whenever the state changes. */
  readonly onStateChange?: (state: ListenerState) => void;
}

/** What to do about a bind failure, in words. */
function bindHint(code: string | undefined, port: number): string {
  if (code === 'EACCES' && port < 1024) return 'ports below 1024 need root, or the sysctl net.ipv4.ip_unprivileged_port_start=0';
  if (code === 'EADDRNOTAVAIL') return 'the address is not local to this machine (k8ts serves ClusterIPs from a 127.0.0.0/8 range)';
  return 'check that nothing else holds the address';
}

export class PortListener {
  readonly address: string;
  readonly port: number;
  readonly #opts: PortListenerOptions;
  #state: ListenerState = 'binding';
  #server: Server | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reported: string | undefined;

  constructor(opts: PortListenerOptions) {
    this.address = opts.address;
    this.port = opts.port;
    this.#opts = opts;
  }

  get state(): ListenerState {
    return this.#state;
  }

  /** `address:port`. */
  get endpoint(): string {
    return this.address.includes(':') ? `[${this.address}]:${this.port}` : `${this.address}:${this.port}`;
  }

  /** Starts trying to bind (returns at once; see `state`). */
  start(): void {
    this.#bind();
  }

  #setState(state: ListenerState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#opts.onStateChange?.(state);
  }

  #bind(): void {
    if (this.#state === 'closed') return;
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.#opts.onConnection(socket));
    this.#server = server;
    server.on('error', (err: NodeJS.ErrnoException) => {
      if (this.#server !== server) return;
      if (server.listening) {
        // Accepting failed (e.g. out of file descriptors); the socket still listens.
        this.#opts.logger.warn('error on a listener', { listener: this.endpoint, error: err.code ?? err.message });
        return;
      }
      this.#server = undefined;
      server.close();
      if (this.#state === 'closed') return;
      const inUse = err.code === 'EADDRINUSE';
      if (this.#reported !== err.code) {
        this.#reported = err.code;
        if (inUse) this.#opts.logger.info('address held by another proxy; standing by', { listener: this.endpoint });
        else this.#opts.logger.warn('cannot listen; will retry', { listener: this.endpoint, error: err.code ?? err.message, hint: bindHint(err.code, this.port) });
      }
      this.#setState(inUse ? 'standby' : 'failed');
      this.#timer = setTimeout(() => this.#bind(), inUse ? (this.#opts.retryMs ?? 1000) : (this.#opts.failedRetryMs ?? 10_000));
      this.#timer.unref();
    });
    server.listen({ host: this.address, port: this.port }, () => {
      if (this.#server !== server || this.#state === 'closed') {
        server.close();
        return;
      }
      if (this.#reported !== undefined) this.#opts.logger.info('took over listener', { listener: this.endpoint });
      this.#reported = undefined;
      this.#setState('listening');
    });
  }

  /**
   * Stops listening. Connections already accepted are not touched (so this does not wait for
   * them, as `server.close`'s callback would).
   */
  close(): void {
    this.#setState('closed');
    clearTimeout(this.#timer);
    const server = this.#server;
    this.#server = undefined;
    server?.close();
  }
}
