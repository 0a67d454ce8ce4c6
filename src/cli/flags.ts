/**
 * Validation of flag values. Each error names the flag, says what is expected and shows what was
 * given, e.g. `--port must be an integer 1-65535, got "abc"`.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { clusterNameProblem } from '../cluster/cluster-name.ts';
import { parseIpv4Cidr } from '../util/ipv4-range.ts';
import { parsePortRange } from '../util/port-range.ts';
import { UsageError } from './usage-error.ts';

/** A cluster name (DNS-1123 label) given with `flag`. */
export function parseClusterName(value: string, flag = '--name'): string {
  const problem = clusterNameProblem(value);
  if (problem !== undefined) throw new UsageError(`${flag} must be a DNS-1123 label (like "dev" or "team-a"): ${problem}; got ${JSON.stringify(value)}`);
  return value;
}

/** A TCP port, 1-65535. */
export function parsePort(value: string, flag = '--port'): number {
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${flag} must be an integer 1-65535, got ${JSON.stringify(value)}`);
  return port;
}

/** An IPv4 or IPv6 address (no host names: the server binds exactly this address). */
export function parseIpAddress(value: string, flag: string): string {
  if (isIP(value) === 0) throw new UsageError(`${flag} must be an IP address such as 127.0.0.1, got ${JSON.stringify(value)}`);
  return value;
}

/** A readable regular file; returns its absolute path. */
export function parseReadableFile(value: string, flag: string): string {
  const path = resolve(value);
  try {
    if (!statSync(path).isFile()) throw new UsageError(`${flag} must name a file, but ${path} is not a regular file`);
    accessSync(path, constants.R_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))}); give the path of an existing file`);
  }
  return path;
}

/** A directory path (created later if missing); returns it absolute. */
export function parseDirectory(value: string, flag: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} must be a directory path, got an empty value`);
  const path = resolve(value);
  try {
    if (!statSync(path).isDirectory()) throw new UsageError(`${flag} must name a directory, but ${path} is not one`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${flag}: cannot use ${path}: ${(err as Error).message}`);
  }
  return path;
}

/** A positive number of seconds; returns milliseconds. */
export function parseSeconds(value: string, flag: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds > 0)) throw new UsageError(`${flag} must be a positive number of seconds, got ${JSON.stringify(value)}`);
  return seconds * 1000;
}

/** An IPv4 CIDR of at most /30 (a Service ClusterIP range); returns it canonical. */
export function parseServiceCidr(value: string, flag: string): string {
  let cidr: string;
  let prefixLength: number;
  try {
    ({ cidr, prefixLength } = parseIpv4Cidr(value));
  } catch (err) {
    throw new UsageError(`${flag} must be an IPv4 CIDR such as 127.11.1.0/24: ${(err as Error).message}`);
  }
  if (prefixLength > 30) throw new UsageError(`${flag} must have a prefix length of at most /30 to hold any Service, got ${JSON.stringify(value)}`);
  return cidr;
}

/** A port range `FIRST-LAST`; returns it as given. */
export function parsePortRangeFlag(value: string, flag: string): string {
  try {
    parsePortRange(value);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
  return value;
}

/** A node name: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'), at most 253 characters. */
export function parseNodeName(value: string, flag: string): string {
  if (value.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) {
    throw new UsageError(`${flag} must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', like "worker-1"), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A non-negative whole number given with `flag`. */
export function parseCount(value: string, flag: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in Go's notation, as Kubernetes components take them (`10s`, `1m30s`, `500ms`,
 * `1.5h`); returns milliseconds.
 */
export function parseDuration(value: string, flag: string): number {
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(value) ? [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)] : [];
  if (parts.length === 0) throw new UsageError(`${flag} must be a duration such as 10s, 500ms or 1m30s, got ${JSON.stringify(value)}`);
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * DURATION_UNITS[unit!]!, 0);
}

/** `true` or `false` given with `flag`. */
export function parseBoolean(value: string, flag: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`${flag} must be true or false, got ${JSON.stringify(value)}`);
}

/** An IPv4 CIDR such as 127.21.1.0/24 (a pod range); returns it as given. */
export function parsePodCidr(value: string, flag: string): string {
  try {
    parseIpv4Cidr(value);
  } catch (err) {
    throw new UsageError(`${flag} must be an IPv4 CIDR such as 127.21.1.0/24, got ${JSON.stringify(value)}: ${(err as Error).message}`);
  }
  return value;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
type TaintEffect = (typeof TAINT_EFFECTS)[number];

/** `key=value:Effect,key:Effect` → taints. */
export function parseTaints(value: string | undefined, flag: string): Array<{ key: string; value?: string; effect: TaintEffect }> {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((item) => {
    const m = /^([^=:]+)(?:=([^:]*))?:([A-Za-z]+)$/.exec(item.trim());
    if (m === null || !(TAINT_EFFECTS as readonly string[]).includes(m[3]!)) {
      throw new UsageError(`${flag}: "${item}" is not key[=value]:Effect with Effect one of ${TAINT_EFFECTS.join(', ')}`);
    }
    return { key: m[1]!, ...(m[2] === undefined || m[2] === '' ? {} : { value: m[2] }), effect: m[3] as TaintEffect };
  });
}

/** `key=value,key2=` → labels. */
export function parseLabels(value: string | undefined, flag: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (value === undefined || value.trim() === '') return labels;
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag}: "${item}" is not key=value`);
    labels[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return labels;
}

/** A comma-separated list of non-empty items (spaces around items ignored). */
export function parseList(value: string, flag: string): string[] {
  const items = value.split(',').map((v) => v.trim());
  if (items.length === 0 || items.some((v) => v === '')) throw new UsageError(`${flag} must be a comma-separated list without empty items, got ${JSON.stringify(value)}`);
  return items;
}

/** An absolute URL with one of `protocols` (e.g. `https:`); returns it without a trailing slash. */
export function parseUrl(value: string, flag: string, protocols: readonly string[]): string {
  const expected = `${flag} must be an ${protocols.map((p) => `${p}//`).join(' or ')} URL such as ${protocols[0]}//127.10.1.1:6443, got ${JSON.stringify(value)}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(expected);
  }
  if (!protocols.includes(url.protocol)) throw new UsageError(expected);
  return value.replace(/\/+$/, '');
}

/** An apiserver endpoint (`--server`): an https:// URL such as https://127.10.1.1:6443. */
export function parseServerUrl(value: string, flag = '--server'): string {
  return parseUrl(value, flag, ['https:']);
}

/** A positive whole number. */
export function parsePositiveInteger(value: string, flag: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** A whole number, 0 included. */
export function parseNonNegativeInteger(value: string, flag: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a whole number (0 or more), got ${JSON.stringify(value)}`);
  return n;
}
