/**
 * Kubeconfig text: the file `k8ts` writes for a cluster, and merging that cluster's entries into
 * (or removing them from) a user's kubeconfig while keeping everything else in it, comments
 * included. Credentials are embedded (`*-data` fields), so a kubeconfig stands alone.
 *
 * Pure text in, text out; the callers own the files.
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document } from 'yaml';

/** One cluster's entries: a cluster, a user and a context, all called `name`. */
export interface KubeconfigEntry {
  /** Used for the cluster, the user and the context alike (k8ts uses `k8ts-<cluster>`). */
  readonly name: string;
  /** The apiserver URL, e.g. `https://127.10.1.1:6443`. */
  readonly server: string;
  /** The CA that signed the serving certificate (PEM). */
  readonly caPem: string;
  /** The client certificate and key (PEM). */
  readonly certPem: string;
  readonly keyPem: string;
}

const LISTS = ['clusters', 'users', 'contexts'] as const;
type ListName = (typeof LISTS)[number];

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function entryItems(entry: KubeconfigEntry): Record<ListName, Record<string, unknown>> {
  return {
    clusters: { name: entry.name, cluster: { server: entry.server, 'certificate-authority-data': base64(entry.caPem) } },
    users: { name: entry.name, user: { 'client-certificate-data': base64(entry.certPem), 'client-key-data': base64(entry.keyPem) } },
    contexts: { name: entry.name, context: { cluster: entry.name, user: entry.name } },
  };
}

/**
 * A kubeconfig holding only `entry`, its context current: YAML as people expect to read it, or
 * JSON (equally valid for kubectl) for the files of long-running components, which then read it
 * without loading a YAML parser.
 */
export function buildKubeconfig(entry: KubeconfigEntry, format: 'yaml' | 'json' = 'yaml'): string {
  const items = entryItems(entry);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [items.clusters],
    users: [items.users],
    contexts: [items.contexts],
    'current-context': entry.name,
  };
  return format === 'json' ? `${JSON.stringify(config, null, 2)}\n` : stringify(config, { lineWidth: 0 });
}

const isNull = (node: unknown): boolean => node === null || node === undefined || (isScalar(node) && node.value === null);

function parseKubeconfigDocument(text: string | undefined): Document {
  let doc = parseDocument(text ?? '');
  if (doc.errors.length > 0) {
    // The parser's message quotes the offending lines after its first line; the first line (which
    // names the line and column) is enough and keeps the error on one line.
    const first = (doc.errors[0]?.message ?? '').split('\n')[0]?.replace(/:$/, '');
    throw new Error(`it is not valid YAML: ${first}`);
  }
  // An empty file (or one holding only comments or `null`) is an empty kubeconfig.
  if (isNull(doc.contents)) doc = parseDocument('apiVersion: v1\nkind: Config\n');
  if (!isMap(doc.contents)) throw new Error('it is not a YAML mapping');
  for (const list of LISTS) {
    // kubectl itself writes `clusters: null` for an empty list.
    const value = doc.get(list, true);
    if (!isNull(value) && !isSeq(value)) throw new Error(`its "${list}" is not a list`);
  }
  return doc;
}

/** Drops the items called `name` from the list `list`; true when it removed any. */
function removeNamed(doc: Document, list: ListName, name: string): boolean {
  const seq = doc.get(list, true);
  if (!isSeq(seq)) return false;
  const before = seq.items.length;
  seq.items = seq.items.filter((item) => !(isMap(item) && item.get('name') === name));
  return seq.items.length !== before;
}

/**
 * `existing` (a kubeconfig's text, or undefined for none) with `entry`'s cluster, user and
 * context replacing any of the same name, and its context made current.
 * @throws Error describing what is wrong when `existing` is not a kubeconfig-shaped YAML mapping
 */
export function mergeKubeconfig(existing: string | undefined, entry: KubeconfigEntry): string {
  const doc = parseKubeconfigDocument(existing);
  if (!doc.has('apiVersion')) doc.set('apiVersion', 'v1');
  if (!doc.has('kind')) doc.set('kind', 'Config');
  const items = entryItems(entry);
  for (const list of LISTS) {
    removeNamed(doc, list, entry.name);
    let seq = doc.get(list, true);
    if (!isSeq(seq)) {
      seq = doc.createNode([]);
      doc.set(list, seq);
    }
    if (isSeq(seq)) {
      seq.flow = false;
      seq.items.push(doc.createNode(items[list]));
    }
  }
  doc.set('current-context', entry.name);
  return doc.toString({ lineWidth: 0 });
}

/**
 * `existing` without the cluster, user and context called `name`; current-context is unset when
 * it named that context. Returns undefined when nothing was there to remove.
 */
export function removeFromKubeconfig(existing: string, name: string): string | undefined {
  const doc = parseKubeconfigDocument(existing);
  let changed = false;
  for (const list of LISTS) changed = removeNamed(doc, list, name) || changed;
  if (doc.get('current-context') === name) {
    doc.delete('current-context');
    changed = true;
  }
  return changed ? doc.toString({ lineWidth: 0 }) : undefined;
}
