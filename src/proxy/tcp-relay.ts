/**
 * Relays one accepted client connection to a backend: dials the backend the balancer picks,
 * and if it refuses (or does not answer within the dial timeout) the next one, as upstream's
 * userspace proxy does; then copies bytes both ways with half-close (a client's FIN reaches the
 * backend as FIN and the other way round), and turns a reset on either side into a reset on
 * the other. With no backend left the client is reset, so it sees "connection refused"-like
 * behaviour at once rather than a hang.
 */
import { connect, type Socket } from 'node:net';
import type { ServiceBackend } from '../api/discovery/v1/service-backends.ts';
import { backendKey } from './balancer.ts';

/** Chooses the next backend to try, given the ones that failed already. */
export type BackendChooser = (exclude: ReadonlySet<string>) => ServiceBackend | undefined;

export interface RelayOptions {
  /** How long one dial may take (default 5 s). */
  readonly dialTimeoutMs?: number;
  /** Told about each backend that could not be dialled. */
  readonly onDialFailure?: (backend: ServiceBackend, error: Error) => void;
}

/** What became of a relayed connection. */
export type RelayOutcome = 'relayed' | 'no-backend' | 'client-gone';

function dial(backend: ServiceBackend, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: backend.ip, port: backend.port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`dial ${backendKey(backend)}: timed out after ${timeoutMs}ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Resets `socket` (RST, not FIN) where the platform allows, else destroys it. */
export function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/**
 * Connects `client` (paused, as the listener hands it over) to a backend and pipes until both
 * sides are done. Resolves once the relay is set up (or refused); `onClosed` fires when both
 * sockets are closed.
 */
export async function relayConnection(client: Socket, choose: BackendChooser, opts: RelayOptions = {}, onClosed?: () => void): Promise<RelayOutcome> {
  let clientGone = false;
  const onEarlyError = (): void => {
    clientGone = true;
  };
  client.on('error', onEarlyError);
  client.once('close', onEarlyError);
  const tried = new Set<string>();
  let backendSocket: Socket | undefined;
  while (backendSocket === undefined) {
    const backend = choose(tried);
    if (backend === undefined || clientGone) {
      client.off('error', onEarlyError);
      client.off('close', onEarlyError);
      if (!clientGone) resetSocket(client);
      onClosed?.();
      return clientGone ? 'client-gone' : 'no-backend';
    }
    try {
      backendSocket = await dial(backend, opts.dialTimeoutMs ?? 5000);
    } catch (err) {
      tried.add(backendKey(backend));
      opts.onDialFailure?.(backend, err instanceof Error ? err : new Error(String(err)));
    }
  }
  client.off('close', onEarlyError);
  client.off('error', onEarlyError);
  const upstream = backendSocket;
  if (clientGone || client.destroyed) {
    upstream.destroy();
    onClosed?.();
    return 'client-gone';
  }
  let closed = 0;
  const closedOne = (): void => {
    closed++;
    if (closed === 2) onClosed?.();
  };
  client.once('close', closedOne);
  upstream.once('close', closedOne);
  // A reset or error on one side resets the other: the peer learns the connection broke.
  client.on('error', () => resetSocket(upstream));
  upstream.on('error', () => resetSocket(client));
  // A side that is gone for good (closed, or destroyed by a proxy shutdown) ends the other.
  client.on('close', (hadError) => (hadError ? resetSocket(upstream) : upstream.end()));
  upstream.on('close', (hadError) => (hadError ? resetSocket(client) : client.end()));
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
  return 'relayed';
}
