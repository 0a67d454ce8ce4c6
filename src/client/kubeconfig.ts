/**
 * Reads a kubeconfig file into RestClient options: the selected context's cluster (server,
 * certificate-authority[-data], insecure-skip-tls-verify) and user (client-certificate[-data],
 * client-key[-data], token, tokenFile). Relative file paths resolve against the kubeconfig's
 * directory, as kubectl does.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { RestClientOptions } from './rest-client.ts';

/** What a kubeconfig context resolves to. */
export interface KubeconfigSelection {
  /** RestClient options from the context's cluster and user (one endpoint: the cluster server). */
  options: RestClientOptions;
  /** The context's namespace, `default` when unset. */
  namespace: string;
  /** The context that was used. */
  context: string;
}

/** A `{name, <field>: {...}}` entry of the clusters/users/contexts lists. */
type Named = Record<string, unknown>;

function pick(list: unknown, name: string, field: string, what: string): Record<string, unknown> {
  const entries = Array.isArray(list) ? (list as Named[]) : [];
  const entry = entries.find((e) => e !== null && typeof e === 'object' && e.name === name);
  if (entry === undefined) throw new Error(`Cannot load kubeconfig: ${what} "${name}" is not defined`);
  const body = entry[field];
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The kubeconfig path kubectl would use: the first $KUBECONFIG entry, else ~/.kube/config. */
export function defaultKubeconfigPath(): string {
  const env = process.env.KUBECONFIG;
  const first = env?.split(delimiter).find((p) => p !== '');
  return first ?? join(homedir(), '.kube', 'config');
}

/**
 * A kubeconfig's data. JSON (which is YAML too, and what k8ts writes for its node agents) is
 * read without the YAML parser, whose loading a long-running process would otherwise carry.
 * (Unlike YAML, JSON.parse lets a repeated key's last value win; kubeconfigs never repeat keys.)
 */
async function parseConfigText(text: string): Promise<unknown> {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON after all (a YAML flow mapping): the YAML parser reads it or says what is wrong.
    }
  }
  const { parse } = await import('yaml');
  return parse(text);
}

/**
 * Parses kubeconfig text. `readFile` loads referenced files (already resolved to absolute
 * paths); tests pass a fake.
 * @param context the context to use; the file's current-context when omitted
 */
export async function parseKubeconfig(
  text: string,
  baseDir: string,
  readRef: (path: string) => Promise<string>,
  context?: string,
): Promise<KubeconfigSelection> {
  const doc = ((await parseConfigText(text)) ?? {}) as Record<string, unknown>;
  const contextName = context ?? str(doc['current-context']);
  if (contextName === undefined) throw new Error('Cannot load kubeconfig: no context given and current-context is not set');
  const ctx = pick(doc.contexts, contextName, 'context', 'context');
  const clusterName = str(ctx.cluster);
  if (clusterName === undefined) throw new Error(`Cannot load kubeconfig: context "${contextName}" names no cluster`);
  const cluster = pick(doc.clusters, clusterName, 'cluster', 'cluster');
  const userName = str(ctx.user);
  const user = userName === undefined ? {} : pick(doc.users, userName, 'user', 'user');

  const server = str(cluster.server);
  if (server === undefined) throw new Error(`Cannot load kubeconfig: cluster "${clusterName}" has no server`);
  const resolve = (p: string): string => (isAbsolute(p) ? p : join(baseDir, p));
  const material = async (dataField: unknown, fileField: unknown): Promise<string | undefined> => {
    const data = str(dataField);
    if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
    const file = str(fileField);
    return file === undefined ? undefined : readRef(resolve(file));
  };

  const options: RestClientOptions = { endpoints: [server] };
  const ca = await material(cluster['certificate-authority-data'], cluster['certificate-authority']);
  if (ca !== undefined) options.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) options.insecureSkipTlsVerify = true;
  const cert = await material(user['client-certificate-data'], user['client-certificate']);
  if (cert !== undefined) options.cert = cert;
  const key = await material(user['client-key-data'], user['client-key']);
  if (key !== undefined) options.key = key;
  const tokenFile = str(user.tokenFile);
  const token = str(user.token) ?? (tokenFile === undefined ? undefined : (await readRef(resolve(tokenFile))).trim());
  if (token !== undefined) options.token = token;
  return { options, namespace: str(ctx.namespace) ?? 'default', context: contextName };
}

/**
 * Loads a kubeconfig file.
 * @param path @default defaultKubeconfigPath()
 * @param context @default the file's current-context
 */
export async function loadKubeconfig(path: string = defaultKubeconfigPath(), context?: string): Promise<KubeconfigSelection> {
  const text = await readFile(path, 'utf8');
  return parseKubeconfig(text, dirname(path), (p) => readFile(p, 'utf8'), context);
}
