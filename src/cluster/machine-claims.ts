/**
 * Machine-wide claims of address indexes, across every $K8TS_HOME of this user: the claims under
 * `$K8TS_HOME/.addresses` (address-plan.ts) coordinate the clusters of one home, and probing an
 * address catches a cluster that already listens there, but two homes creating a cluster at the
 * same moment (parallel test runs) can both find an index free and both take it, the second
 * failing seconds later when it binds. So creating a cluster also claims its index here:
 *
 *   <tmpdir>/k8ts-addresses-<uid>/<index>    holds the absolute directory of the cluster
 *
 * taken with O_EXCL, released by `down --delete`. A claim is stale (taken over) when it is older
 * than a minute and its cluster directory no longer records that index (removed without `down
 * --delete`, e.g. a test's temporary home).
 */
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GRACE_MS = 60_000;

/** The directory of this user's machine-wide claims. */
export function machineClaimsDir(): string {
  return join(tmpdir(), `k8ts-addresses-${process.getuid?.() ?? 'user'}`);
}

async function recordedIndex(clusterDir: string): Promise<number | undefined> {
  try {
    const value = JSON.parse(await readFile(join(clusterDir, 'cluster.json'), 'utf8')) as { index?: unknown };
    return typeof value.index === 'number' ? value.index : undefined;
  } catch {
    return undefined;
  }
}

async function isStale(file: string, owner: string, index: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) return true;
  if (Date.now() - info.mtimeMs < GRACE_MS) return false;
  return (await recordedIndex(owner)) !== index;
}

/** Claims `index` for the cluster in `clusterDir`; false when another cluster holds it. */
export async function claimIndexOnMachine(index: number, clusterDir: string, dir = machineClaimsDir()): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, String(index));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(clusterDir);
      } finally {
        await handle.close();
      }
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (owner === clusterDir) return true;
    if (owner !== '' && !(await isStale(file, owner, index))) return false;
    await unlink(file).catch(() => undefined);
  }
  return false;
}

/** Gives up the claim on `index` if the cluster in `clusterDir` holds it. */
export async function releaseIndexOnMachine(index: number, clusterDir: string, dir = machineClaimsDir()): Promise<void> {
  const file = join(dir, String(index));
  if ((await readFile(file, 'utf8').catch(() => '')).trim() === clusterDir) await unlink(file).catch(() => undefined);
}

/**
 * A `usable` check for allocateAddressIndex: claims the index on the machine, then runs `probe`
 * (are its addresses free?); gives the claim back when the probe says no.
 */
export function claimedAndFree(clusterDir: string, probe: (index: number) => Promise<boolean>, dir = machineClaimsDir()): (index: number) => Promise<boolean> {
  return async (index) => {
    if (!(await claimIndexOnMachine(index, clusterDir, dir))) return false;
    if (await probe(index)) return true;
    await releaseIndexOnMachine(index, clusterDir, dir);
    return false;
  };
}
