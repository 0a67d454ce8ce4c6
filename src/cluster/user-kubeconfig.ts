/**
 * The user's own kubeconfig (the first path in $KUBECONFIG, else ~/.kube/config, as kubectl
 * picks it): `k8ts up` merges a cluster's context into it, `k8ts down --delete` takes it out.
 * Everything else in the file is kept.
 */
import { mkdir, readFile, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { mergeKubeconfig, removeFromKubeconfig, writePrivateFile, type KubeconfigEntry } from '../pki/index.ts';

/** The kubeconfig kubectl would use given `env`: the first $KUBECONFIG entry, else ~/.kube/config. */
export function userKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = env.KUBECONFIG?.split(delimiter).find((p) => p !== '');
  return first ?? join(env.HOME ?? homedir(), '.kube', 'config');
}

/** The file behind `path` (a symlinked kubeconfig is updated, not replaced by a regular file). */
async function resolveTarget(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Merges `entry` into the user's kubeconfig and makes its context current.
 * @returns the file written
 * @throws Error naming the file when it is not a kubeconfig k8ts can safely rewrite
 */
export async function mergeIntoUserKubeconfig(entry: KubeconfigEntry, path = userKubeconfigPath()): Promise<string> {
  const target = await resolveTarget(path);
  const existing = await readIfExists(target);
  let merged: string;
  try {
    merged = mergeKubeconfig(existing, entry);
  } catch (err) {
    throw new Error(`cannot merge context "${entry.name}" into ${target}: ${(err as Error).message}; fix that file, or pass --no-merge-kubeconfig and use the cluster's own kubeconfig`, { cause: err });
  }
  if (existing === undefined) await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  await writePrivateFile(target, merged);
  return target;
}

/**
 * Removes the cluster, user and context called `name` from the user's kubeconfig.
 * @returns the file changed, or undefined when it held none of them
 */
export async function removeFromUserKubeconfig(name: string, path = userKubeconfigPath()): Promise<string | undefined> {
  const target = await resolveTarget(path);
  const existing = await readIfExists(target);
  if (existing === undefined) return undefined;
  let updated: string | undefined;
  try {
    updated = removeFromKubeconfig(existing, name);
  } catch (err) {
    throw new Error(`cannot remove context "${name}" from ${target}: ${(err as Error).message}; remove it with \`kubectl config delete-context ${name}\``, { cause: err });
  }
  if (updated === undefined) return undefined;
  await writePrivateFile(target, updated);
  return target;
}

