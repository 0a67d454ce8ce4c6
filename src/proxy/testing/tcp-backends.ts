/**
 * TCP test fixtures for the proxy: backends that greet each connection with their name and
 * then echo, and a client that connects (optionally from a given local address, to stand for
 * a distinct client IP) and reads that greeting. For tests only.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface NamedBackend {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  /** Connections open on this backend now. */
  readonly open: Set<Socket>;
  close(): Promise<void>;
}

/** A backend on `ip` (port 0 = any free one) that writes `<name>\n` to each connection, then echoes. */
export async function startNamedBackend(name: string, ip: string, port = 0): Promise<NamedBackend> {
  const open = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    socket.write(`${name}\n`);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve());
  });
  return {
    name,
    ip,
    port: (server.address() as AddressInfo).port,
    open,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface GreetedConnection {
  /** The backend's name, or undefined when the connection was refused or reset before a greeting. */
  readonly name: string | undefined;
  readonly socket: Socket;
  /** Writes `text` and resolves with the echo (the next `text.length` bytes). */
  echo(text: string): Promise<string>;
}

/** Connects to `address:port` and reads the greeting line. */
export function connectAndGreet(address: string, port: number, localAddress?: string): Promise<GreetedConnection> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, ...(localAddress === undefined ? {} : { localAddress }) });
    let buffer = '';
    const pending: { want: number; resolve: (s: string) => void }[] = [];
    let greeted = false;
    const conn = (name: string | undefined): GreetedConnection => ({
      name,
      socket,
      echo: (text) =>
        new Promise<string>((done) => {
          pending.push({ want: text.length, resolve: done });
          socket.write(text);
        }),
    });
    socket.on('data', (d: Buffer) => {
      buffer += d.toString();
      if (!greeted) {
        const nl = buffer.indexOf('\n');
        if (nl < 0) return;
        greeted = true;
        const name = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        resolve(conn(name));
      }
      while (pending.length > 0 && buffer.length >= pending[0]!.want) {
        const p = pending.shift()!;
        p.resolve(buffer.slice(0, p.want));
        buffer = buffer.slice(p.want);
      }
    });
    const fail = (): void => {
      if (!greeted) {
        greeted = true;
        resolve(conn(undefined));
      }
    };
    socket.on('error', fail);
    socket.on('close', fail);
  });
}

/** A port that was free on `address` a moment ago. */
export async function freePort(address: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
