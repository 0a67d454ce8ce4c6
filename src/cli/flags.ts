/**
 * Validation of flag values. Each error names the flag, says what is expected and shows what was
 * given, e.g. `--port must be an integer 1-65535, got "abc"`.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { clusterNameProblem } from '../cluster/index.ts';
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

/** A node name: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'), at most 253 characters. */
export function parseNodeName(value: string, flag: string): string {
  if (value.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) {
    throw new UsageError(`${flag} must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', like "worker-1"), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** An IPv4 CIDR such as 127.21.1.0/24. */
export function parseIpv4Cidr(value: string, flag: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (m === null || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw new UsageError(`${flag} must be an IPv4 CIDR such as 127.21.1.0/24, got ${JSON.stringify(value)}`);
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
