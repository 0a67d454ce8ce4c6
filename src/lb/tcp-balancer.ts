/**
 * The built-in load balancer's data path: a TCP proxy. TLS passes through untouched (the client
 * authenticates to the apiserver itself, with its own certificate), so the balancer needs no
 * key and sees no request.
 *
 * Each client connection is held (paused) while the balancer connects to a backend from the
 * pool; if that connection fails, the next backend is tried, so a dead apiserver costs a client
 * nothing but a retry inside the balancer. Once connected, bytes flow both ways until either side
 * closes, and closing one side closes the other.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Backend } from './backends.ts';
import type { BackendPool } from './backend-pool.ts';

export interface TcpBalancerOptions {
  readonly bindAddress: string;
  readonly port: number;
  readonly pool: BackendPool;
  /** How long to wait for a backend's TCP handshake before trying the next. @default 1000 */
  readonly connectTimeoutMs?: number;
  readonly log?: (message: string) => void;
}

export interface RunningTcpBalancer {
  /** `address:port` it listens on. */
  readonly address: string;
  /** Stops accepting and closes every connection. */
  close(): Promise<void>;
}

function dial(backend: Backend, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: backend.host, port: backend.port, noDelay: true });
    const timer = setTimeout(() => socket.destroy(new Error(`connect timed out after ${timeoutMs} ms`)), timeoutMs);
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

/** Starts listening; resolves once it does. */
export async function startTcpBalancer(opts: TcpBalancerOptions): Promise<RunningTcpBalancer> {
  const connectTimeout = opts.connectTimeoutMs ?? 1000;
  const log = opts.log ?? (() => {});
  const clients = new Set<Socket>();

  async function relay(client: Socket): Promise<void> {
    clients.add(client);
    client.once('close', () => clients.delete(client));
    client.on('error', () => client.destroy());
    const tried = new Set<string>();
    for (;;) {
      if (client.destroyed) return;
      const backend = opts.pool.pick(tried);
      if (backend === undefined) {
        client.destroy();
        return;
      }
      tried.add(backend.name);
      let upstream: Socket;
      try {
        upstream = await dial(backend, connectTimeout);
      } catch (err) {
        opts.pool.connectFailed(backend.name, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
        continue;
      }
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      opts.pool.track(backend.name, upstream);
      upstream.setNoDelay(true);
      upstream.on('error', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      return;
    }
  }

  const server: Server = createServer({ pauseOnConnect: true, noDelay: true }, (client) => {
    relay(client).catch((err: unknown) => {
      log(`connection failed: ${String(err)}`);
      client.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  return {
    address: `${opts.bindAddress}:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of clients) c.destroy();
      await closed;
    },
  };
}
