/**
 * A pod's volumes for the process runtime: directories under the pod's own directory (there is
 * no mount namespace, so nothing appears at a container's `mountPath`; the container learns the
 * real directory from its environment, see mount-env.ts).
 *
 *   emptyDir              <pod-dir>/volumes/<name>/, empty at pod start, removed with the pod
 *                         (`medium: Memory` is a plain directory too)
 *   configMap, secret     <pod-dir>/volumes/<name>/<key or items[].path>, one file per key, mode
 *                         from items[].mode, else defaultMode (0644 unless set); rewritten from
 *                         the API every time the pod is synced, stale keys removed
 *   downwardAPI           one file per item (metadata fields, resource fields)
 *   projected             configMap, secret, downwardAPI and serviceAccountToken sources merged
 *                         into one directory (tokens from token-source.ts, renewed by the
 *                         refresh); a volume with a token also gets a `kubeconfig` file
 *                         (unless a source writes one) naming the in-cluster apiserver, the
 *                         token file and the `ca.crt` file when the volume has one: clients
 *                         cannot read a token at the fixed in-cluster path, as nothing is
 *                         mounted, but every client reads `$KUBECONFIG` (mount-env.ts sets it)
 *   hostPath              the host path itself, checked (or created) per `type`
 *
 * Anything else (persistentVolumeClaim, …) cannot be provided: setup fails with a message that
 * says so, and the pod's containers wait in ContainerCreating.
 */
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { mkdir, stat, open } from 'node:fs/promises';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import type { DownwardApiFile, KeyToPath, Pod, ServiceAccountTokenProjection, Volume } from '../../api-types.ts';
import { configEntries, type ConfigSource } from '../../env/config-source.ts';
import { podFieldValue, resourceFieldValue, type PodAddresses } from '../../env/field-refs.ts';
import type { TokenSource } from '../../env/token-source.ts';

/** A volume the pod asks for that cannot be set up (yet): the pod waits, with this message. */
export class VolumeSetupError extends Error {
  override name = 'VolumeSetupError';
}

export interface VolumeContext {
  readonly pod: Pod;
  /** The pod's directory; volumes go under `<podDir>/volumes/`. */
  readonly podDir: string;
  readonly config: ConfigSource;
  readonly addresses: PodAddresses;
  readonly nodeAllocatable: Readonly<Record<string, string>>;
  readonly tokens: TokenSource;
  /** The in-cluster apiserver URL (the `kubernetes` Service), for the kubeconfig of token volumes. */
  readonly apiServer: string | undefined;
}

const DEFAULT_MODE = 0o644;

/** Where volume `name` of a pod lives. */
export function volumeDir(podDir: string, name: string): string {
  return join(podDir, 'volumes', name);
}

/** A relative path inside a volume, refusing `..` and absolute paths. */
function safeRelative(path: string, volume: string): string {
  const clean = normalize(path);
  if (isAbsolute(clean) || clean === '..' || clean.startsWith('../') || clean === '.' || clean === '') {
    throw new VolumeSetupError(`volume "${volume}": path "${path}" must be relative and may not contain ".."`);
  }
  return clean;
}

interface ProjectedFile {
  readonly path: string;
  readonly data: Buffer;
  readonly mode: number;
}

async function keyFiles(
  ctx: VolumeContext,
  volume: string,
  kind: 'configmap' | 'secret',
  name: string,
  items: readonly KeyToPath[] | undefined,
  optional: boolean | undefined,
  defaultMode: number,
): Promise<ProjectedFile[]> {
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  const obj = kind === 'configmap' ? await ctx.config.configMap(namespace, name) : await ctx.config.secret(namespace, name);
  if (obj === undefined) {
    if (optional === true) return [];
    throw new VolumeSetupError(`MountVolume.SetUp failed for volume "${volume}": ${kind} "${name}" not found`);
  }
  const entries = configEntries(kind, obj);
  if (items === undefined || items.length === 0) {
    return [...entries].map(([key, data]) => ({ path: safeRelative(key, volume), data, mode: defaultMode }));
  }
  const files: ProjectedFile[] = [];
  for (const item of items) {
    const data = entries.get(item.key);
    if (data === undefined) {
      if (optional === true) continue;
      throw new VolumeSetupError(`MountVolume.SetUp failed for volume "${volume}": configuration key "${item.key}" not found in ${kind} "${name}"`);
    }
    files.push({ path: safeRelative(item.path, volume), data, mode: item.mode ?? defaultMode });
  }
  return files;
}

function downwardFiles(ctx: VolumeContext, volume: string, items: readonly DownwardApiFile[] | undefined, defaultMode: number): ProjectedFile[] {
  return (items ?? []).map((item) => {
    let value = '';
    if (item.fieldRef !== undefined) value = podFieldValue(ctx.pod, item.fieldRef.fieldPath, ctx.addresses);
    else if (item.resourceFieldRef !== undefined) {
      const r = item.resourceFieldRef;
      value = resourceFieldValue(ctx.pod, r.containerName ?? '', r.resource, r.divisor, ctx.nodeAllocatable);
    }
    return { path: safeRelative(item.path, volume), data: Buffer.from(value), mode: item.mode ?? defaultMode };
  });
}

/** The files a projected-style volume should hold, or undefined for volumes that are not file sets. */
async function projectedFiles(ctx: VolumeContext, v: Volume): Promise<ProjectedFile[] | undefined> {
  if (v.configMap !== undefined) {
    return keyFiles(ctx, v.name, 'configmap', v.configMap.name, v.configMap.items, v.configMap.optional, v.configMap.defaultMode ?? DEFAULT_MODE);
  }
  if (v.secret !== undefined) {
    return keyFiles(ctx, v.name, 'secret', v.secret.secretName, v.secret.items, v.secret.optional, v.secret.defaultMode ?? DEFAULT_MODE);
  }
  if (v.downwardAPI !== undefined) return downwardFiles(ctx, v.name, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_MODE);
  if (v.projected !== undefined) {
    const mode = v.projected.defaultMode ?? DEFAULT_MODE;
    // The sources are independent API reads (a token request among them): fetched at once.
    const sources = v.projected.sources ?? [];
    const parts = await Promise.all(
      sources.map(async (s): Promise<ProjectedFile[]> => {
        if (s.configMap !== undefined) return keyFiles(ctx, v.name, 'configmap', s.configMap.name, s.configMap.items, s.configMap.optional, mode);
        if (s.secret !== undefined) return keyFiles(ctx, v.name, 'secret', s.secret.name, s.secret.items, s.secret.optional, mode);
        if (s.downwardAPI !== undefined) return downwardFiles(ctx, v.name, s.downwardAPI.items, mode);
        if (s.serviceAccountToken !== undefined) {
          return [{ path: safeRelative(s.serviceAccountToken.path, v.name), data: Buffer.from(await tokenFor(ctx, v.name, s.serviceAccountToken)), mode }];
        }
        return [];
      }),
    );
    const files = parts.flat();
    const tokenSource = sources.find((s) => s.serviceAccountToken !== undefined)?.serviceAccountToken;
    if (tokenSource !== undefined && ctx.apiServer !== undefined && !files.some((f) => f.path === KUBECONFIG_FILE)) {
      const dir = volumeDir(ctx.podDir, v.name);
      const ca = files.some((f) => f.path === 'ca.crt') ? join(dir, 'ca.crt') : undefined;
      const token = join(dir, safeRelative(tokenSource.path, v.name));
      files.push({ path: KUBECONFIG_FILE, data: Buffer.from(inClusterKubeconfig(ctx.apiServer, token, ca, ctx.pod.metadata.namespace ?? 'default')), mode });
    }
    return files;
  }
  return undefined;
}

/** The name of the kubeconfig a token volume gets. */
export const KUBECONFIG_FILE = 'kubeconfig';

async function tokenFor(ctx: VolumeContext, volume: string, source: ServiceAccountTokenProjection): Promise<string> {
  try {
    return await ctx.tokens.token(ctx.pod, { expirationSeconds: source.expirationSeconds ?? 3600, ...(source.audience === undefined ? {} : { audience: source.audience }) });
  } catch (err) {
    throw new VolumeSetupError(`MountVolume.SetUp failed for volume "${volume}": failed to fetch token: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * A kubeconfig for the pod's service account, in JSON (which every kubeconfig reader takes).
 * The token is named by file, so clients that reread it (client-go, kubectl) follow its
 * renewals: `tokenFile` for client-go, `token-file` for @kubernetes/client-node.
 */
function inClusterKubeconfig(server: string, tokenFile: string, caFile: string | undefined, namespace: string): string {
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'in-cluster', cluster: { server, ...(caFile === undefined ? {} : { 'certificate-authority': caFile }) } }],
      users: [{ name: 'service-account', user: { tokenFile, 'token-file': tokenFile } }],
      contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'service-account', namespace } }],
      'current-context': 'in-cluster',
    },
    null,
    2,
  )}\n`;
}

function listFiles(dir: string, prefix = ''): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(join(dir, e.name), rel));
    else out.push(rel);
  }
  return out;
}

/**
 * Makes `dir` hold exactly `files` (each written atomically, stale ones removed). The files are
 * tiny and written synchronously: through libuv's four-thread pool each of the many small steps
 * would queue behind every other starting pod's disk work, as the runtime's start does not.
 */
function syncFiles(dir: string, files: readonly ProjectedFile[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const wanted = new Set(files.map((f) => f.path));
  for (const existing of listFiles(dir)) if (!wanted.has(existing)) rmSync(join(dir, existing), { force: true });
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    const tmp = `${path}.k8ts-tmp`;
    writeFileSync(tmp, f.data, { mode: f.mode });
    chmodSync(tmp, f.mode);
    renameSync(tmp, path);
  }
}

async function checkHostPath(v: Volume): Promise<string> {
  const hp = v.hostPath!;
  const path = hp.path;
  const type = hp.type ?? '';
  const info = await stat(path).catch(() => undefined);
  const fail = (what: string): never => {
    throw new VolumeSetupError(`MountVolume.SetUp failed for volume "${v.name}": hostPath type check failed: ${path} ${what}`);
  };
  switch (type) {
    case '':
      break;
    case 'DirectoryOrCreate':
      if (info === undefined) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!info.isDirectory()) fail('is not a directory');
      break;
    case 'Directory':
      if (info === undefined || !info.isDirectory()) fail('is not a directory');
      break;
    case 'FileOrCreate':
      if (info === undefined) {
        await mkdir(dirname(path), { recursive: true, mode: 0o755 });
        await (await open(path, 'a', 0o644)).close();
      } else if (!info.isFile()) fail('is not a file');
      break;
    case 'File':
      if (info === undefined || !info.isFile()) fail('is not a file');
      break;
    case 'Socket':
      if (info === undefined || !info.isSocket()) fail('is not a socket file');
      break;
    case 'CharDevice':
      if (info === undefined || !info.isCharacterDevice()) fail('is not a character device');
      break;
    case 'BlockDevice':
      if (info === undefined || !info.isBlockDevice()) fail('is not a block device');
      break;
    default:
      fail(`has an unknown type "${type}"`);
  }
  return path;
}

/** Source kinds this runtime provides. */
const SUPPORTED = ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI', 'projected'];

/**
 * Sets up (or refreshes) every volume of the pod; returns each volume's real path by name.
 * @throws VolumeSetupError when a volume cannot be provided
 */
export async function setUpVolumes(ctx: VolumeContext): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const v of ctx.pod.spec.volumes ?? []) {
    if (v.hostPath !== undefined) {
      paths.set(v.name, await checkHostPath(v));
      continue;
    }
    const dir = volumeDir(ctx.podDir, v.name);
    const files = await projectedFiles(ctx, v);
    if (files !== undefined) syncFiles(dir, files);
    else if (v.emptyDir !== undefined) await mkdir(dir, { recursive: true, mode: 0o755 });
    else {
      const kind = Object.keys(v).find((k) => k !== 'name' && v[k] !== undefined && v[k] !== null) ?? 'unknown';
      throw new VolumeSetupError(
        `volume "${v.name}" is of type ${kind}, which the process runtime cannot provide (it supports ${SUPPORTED.join(', ')})`,
      );
    }
    paths.set(v.name, dir);
  }
  return paths;
}
