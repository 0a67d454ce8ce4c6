/**
 * The backends a load balancer spreads connections over: `name host:port` pairs, given on the
 * command line or in a backends file (one per line, `#` starts a comment), which the balancer
 * re-reads on SIGHUP so backends can be added and removed without dropping connections to the
 * others.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';

export interface Backend {
  /** Shown in the status (`cp-1`). */
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** `host:port` (IPv6 in brackets). */
export function backendAddress(b: Backend): string {
  return `${b.host.includes(':') ? `[${b.host}]` : b.host}:${b.port}`;
}

/**
 * Parses `name=host:port` or `host:port` (then the name is the address).
 * @throws Error saying what is expected
 */
export function parseBackend(text: string): Backend {
  const eq = text.indexOf('=');
  const name = eq === -1 ? undefined : text.slice(0, eq).trim();
  const address = (eq === -1 ? text : text.slice(eq + 1)).trim();
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address);
  const port = Number(match?.[2]);
  if (match === null || isIP(match[1]!) === 0 || !(port >= 1 && port <= 65535)) {
    throw new Error(`a backend is [name=]ip:port (like cp-1=127.10.1.1:6443), got ${JSON.stringify(text)}`);
  }
  if (name === '') throw new Error(`a backend's name must not be empty, got ${JSON.stringify(text)}`);
  return { name: name ?? address, host: match[1]!, port };
}

/** Parses a backends file's text: one `name host:port` (or `name=host:port`) per line. */
export function parseBackendsText(text: string, source: string): Backend[] {
  const backends: Backend[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    try {
      backends.push(parseBackend(parts.length === 2 ? `${parts[0]}=${parts[1]}` : line));
    } catch (err) {
      throw new Error(`${source} line ${i + 1}: ${(err as Error).message}`, { cause: err });
    }
  }
  const names = new Set<string>();
  for (const b of backends) {
    if (names.has(b.name)) throw new Error(`${source}: backend ${b.name} is listed twice`);
    names.add(b.name);
  }
  return backends;
}

/** Reads a backends file. */
export async function readBackendsFile(path: string): Promise<Backend[]> {
  return parseBackendsText(await readFile(path, 'utf8'), path);
}

/** A backends file's text for `backends`. */
export function formatBackendsFile(backends: readonly Backend[]): string {
  return `# name address — re-read by the load balancer on SIGHUP\n${backends.map((b) => `${b.name} ${backendAddress(b)}\n`).join('')}`;
}
