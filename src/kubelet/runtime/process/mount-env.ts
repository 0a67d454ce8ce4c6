/**
 * How a process-runtime container finds its volumes, since nothing is mounted at `mountPath`:
 * for every entry of `volumeMounts` it gets two variables holding the real path (the volume's
 * directory, plus `subPath` when set):
 *
 *   K8TS_VOLUME_<NAME>        by volume name: `config-data` → K8TS_VOLUME_CONFIG_DATA
 *   K8TS_MOUNT_<MOUNT_PATH>   by mount path:  `/etc/app`    → K8TS_MOUNT_ETC_APP
 *
 * (upper case, every run of characters other than letters and digits becomes `_`; when a
 * volume is mounted twice, K8TS_VOLUME_<NAME> names the first mount). Both are ordinary
 * variables, so `$(K8TS_VOLUME_CONFIG)/app.yaml` in command, args or env values expands to the
 * real file; a literal `/etc/app/...` in args is NOT rewritten. A `workingDir` at or under a
 * mount path is moved to the same place under the real directory.
 *
 * A container that mounts a service account token volume at the in-cluster path
 * (/var/run/secrets/kubernetes.io/serviceaccount, where ServiceAccount admission mounts it) also
 * gets KUBECONFIG naming the volume's kubeconfig (volumes.ts), so kubectl and the client
 * libraries inside it act as the pod's service account; the container's own KUBECONFIG wins.
 */
import { existsSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { SERVICE_ACCOUNT_MOUNT_PATH } from '../../../api/core/v1/service-account-admission.ts';
import type { Container } from '../../api-types.ts';
import { KUBECONFIG_FILE } from './volumes.ts';

/** `config-data` → `CONFIG_DATA`, `/etc/app` → `ETC_APP`. */
export function envSuffix(value: string): string {
  return value
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export interface ContainerMounts {
  /** Variables to add to the container's environment. */
  readonly env: Map<string, string>;
  /** mountPath → real path, for this container. */
  readonly mounts: Map<string, string>;
}

/** The mount variables of `container`, given each volume's real path. */
export function containerMounts(container: Container, volumePaths: ReadonlyMap<string, string>): ContainerMounts {
  const env = new Map<string, string>();
  const mounts = new Map<string, string>();
  for (const m of container.volumeMounts ?? []) {
    const base = volumePaths.get(m.name);
    if (base === undefined) continue;
    const real = m.subPath !== undefined && m.subPath !== '' ? join(base, m.subPath) : base;
    const byName = `K8TS_VOLUME_${envSuffix(m.name)}`;
    if (!env.has(byName)) env.set(byName, real);
    env.set(`K8TS_MOUNT_${envSuffix(m.mountPath)}`, real);
    mounts.set(m.mountPath, real);
    if (m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH && existsSync(join(real, KUBECONFIG_FILE))) env.set('KUBECONFIG', join(real, KUBECONFIG_FILE));
  }
  return { env, mounts };
}

/** `workingDir` with a mount-path prefix replaced by the real directory (longest mount wins). */
export function mapWorkingDir(workingDir: string, mounts: ReadonlyMap<string, string>): string {
  let best: { path: string; real: string } | undefined;
  for (const [path, real] of mounts) {
    const rel = relative(path, workingDir);
    if (rel.startsWith('..') || isAbsolute(rel)) continue;
    if (best === undefined || path.length > best.path.length) best = { path, real };
  }
  if (best === undefined) return workingDir;
  const rel = relative(best.path, workingDir);
  return rel === '' ? best.real : join(best.real, rel);
}
