/**
 * Test support: throwaway etcd clusters on random loopback addresses and ports, so test files
 * running in parallel never collide, each in its own temporary directory.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, type CertificateAndKey } from '../pki/index.ts';
import { EtcdCluster, type EtcdClusterOptions } from './etcd-cluster.ts';
import type { EtcdMemberSpec } from './etcd-layout.ts';
import { findEtcdBinary } from './etcd-member.ts';

/** Why etcd tests cannot run here (no etcd binary), or undefined when they can. */
export function etcdUnavailableReason(): string | undefined {
  return findEtcdBinary() === undefined ? 'the etcd binary is not on PATH (install the etcd-server package)' : undefined;
}

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

async function canBind(ip: string, port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

/**
 * `count` member specs named `<prefix>0..`, each on its own address 127.0.<200–250>.<1–254>
 * with a client and a peer port that were free a moment ago.
 */
export async function pickMemberSpecs(count: number, prefix = 'etcd'): Promise<EtcdMemberSpec[]> {
  const specs: EtcdMemberSpec[] = [];
  const used = new Set<string>();
  for (let attempt = 0; specs.length < count; attempt++) {
    if (attempt > 200) throw new Error('no free loopback address and ports for an etcd member');
    const ip = `127.0.${randomInt(200, 250)}.${randomInt(1, 254)}`;
    const clientPort = randomInt(20_000, 29_998);
    const peerPort = clientPort + 1;
    if (used.has(ip)) continue;
    if (!(await canBind(ip, clientPort)) || !(await canBind(ip, peerPort))) continue;
    used.add(ip);
    specs.push({ name: `${prefix}${specs.length}`, ip, clientPort, peerPort });
  }
  return specs;
}

/** A client certificate from a fresh CA that no etcd here trusts (for negative TLS tests). */
export async function foreignClientCertificate(): Promise<CertificateAndKey> {
  const other = await CertificateAuthority.create('not-the-etcd-ca');
  return other.issue({ commonName: 'intruder', usages: ['client'] });
}

/** A started test cluster and how to get rid of it. */
export interface TestEtcdCluster {
  readonly cluster: EtcdCluster;
  /** Stops the members and deletes the directory. */
  dispose(): Promise<void>;
}

/** Starts an etcd cluster of `count` members in a new temporary directory. */
export async function startTestEtcdCluster(count: number, options: Partial<EtcdClusterOptions> = {}): Promise<TestEtcdCluster> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'k8ts-etcd-'));
  const members = options.members ?? (await pickMemberSpecs(count));
  try {
    const cluster = await EtcdCluster.start({ ...options, dir, members });
    return {
      cluster,
      dispose: async () => {
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined or false, and
 * returns that value; throws `message` (with the last error seen, if any) after `timeoutMs`.
 */
export async function pollUntil<T>(
  message: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms: ${message}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
