/**
 * Validation of flag values. Each error names the flag, says what is expected and shows what was
 * given, e.g. `--port must be an integer 1-65535, got "abc"`.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { clusterNameProblem } from '../cluster/cluster-name.ts';
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

/** A comma-separated list of non-empty items (spaces around items ignored). */
export function parseList(value: string, flag: string): string[] {
  const items = value.split(',').map((v) => v.trim());
  if (items.length === 0 || items.some((v) => v === '')) throw new UsageError(`${flag} must be a comma-separated list without empty items, got ${JSON.stringify(value)}`);
  return items;
}

/** An absolute URL with one of `protocols` (e.g. `https:`); returns it without a trailing slash. */
export function parseUrl(value: string, flag: string, protocols: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} must be a URL like https://127.0.0.1:2379, got ${JSON.stringify(value)}`);
  }
  if (!protocols.includes(url.protocol)) throw new UsageError(`${flag} must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL, got ${JSON.stringify(value)}`);
  return value.replace(/\/+$/, '');
}

/** A positive whole number. */
export function parsePositiveInteger(value: string, flag: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}
