/**
 * Serving a watch: newline-delimited JSON events over a chunked 200 response, flushed per
 * event, from the resource's watch cache. Label and field selectors apply to transitions (an
 * object that stops matching is DELETED for this watcher, one that starts matching is ADDED).
 * A resourceVersion older than the cache's history gets one ERROR event with a 410 Expired
 * Status, which clients answer by relisting. A watch of one object is a list watch selecting
 * its name (`watchOfObject`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeValue, FieldSelectorError, parseFieldSelector } from '../../api/fields/selector.ts';
import type { KubeObject, Status } from '../../api/meta/types.ts';
import { apiVersionOf } from '../../api/resource-type.ts';
import { badRequest } from '../errors.ts';
import type { GenericStore } from '../registry/generic-store.ts';
import type { ListOptions } from '../registry/list-options.ts';
import { buildObjectFilter } from '../registry/object-filter.ts';
import { buildTable, type IncludeObject } from '../registry/table.ts';
import { serialize, TooOldRevisionError, type CacheEvent } from '../registry/watch-cache.ts';
import { tableContentType } from '../http/negotiation.ts';

/** Server-side cap on a watch's duration when the client gives none (randomised like upstream). */
const MIN_WATCH_SECONDS = 1800;
/** How often a watch that allows bookmarks gets one. */
const BOOKMARK_INTERVAL_MS = 30_000;
/** A watcher this far behind (unsent bytes) is cut off; its client re-watches from its last RV. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface WatchRequest {
  readonly store: GenericStore;
  readonly namespace: string;
  readonly options: ListOptions;
  /** Table version when the client asked for Table output. */
  readonly table: { version: 'v1' | 'v1beta1'; include: IncludeObject } | undefined;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * The options of a watch of the object `name` (`…/configmaps/x?watch=1`, `…/watch/…/configmaps/x`):
 * those of a list watch whose field selector is `metadata.name=<name>`. A field selector the
 * request gives must itself require that name (400 otherwise), as upstream.
 */
export function watchOfObject(options: ListOptions, name: string): ListOptions {
  if (options.fieldSelector === '') return { ...options, fieldSelector: `metadata.name=${escapeValue(name)}` };
  let selected: string | undefined;
  try {
    selected = parseFieldSelector(options.fieldSelector).find((r) => r.field === 'metadata.name' && r.operator === '=')?.value;
  } catch (err) {
    if (err instanceof FieldSelectorError) throw badRequest(err.message);
    throw err;
  }
  if (selected !== name) throw badRequest(`fieldSelector metadata.name doesn't match requested name ${JSON.stringify(name)}`);
  return options;
}

export function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
  const { store, namespace, options } = w;
  const strategy = store.strategy;
  const selectorFilter = buildObjectFilter(strategy, options.labelSelector, options.fieldSelector);
  const inNamespace = (obj: KubeObject): boolean => namespace === '' || obj.metadata.namespace === namespace;
  // Selectors see objects as this version serves them (defaults included).
  const matches = (obj: KubeObject | undefined): boolean => obj !== undefined && inNamespace(obj) && selectorFilter(store.present(obj));

  let tableColumnsSent = false;
  const encodeObject = (obj: KubeObject): string => {
    if (w.table === undefined) return serialize(store.present(obj));
    const table = buildTable(strategy, [store.present(obj)], { resourceVersion: obj.metadata.resourceVersion ?? '' }, {
      include: w.table.include,
      version: w.table.version,
      withColumns: !tableColumnsSent,
      now: new Date(),
    });
    tableColumnsSent = true;
    return JSON.stringify(table);
  };

  res.writeHead(200, {
    'Content-Type': w.table === undefined ? 'application/json' : tableContentType(w.table.version),
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);

  let closed = false;
  let lastRevision = 0;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => {};
  const finish = (): void => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t);
    unsubscribe();
    res.end();
  };
  const send = (type: EventType, objectJson: string): void => {
    if (closed) return;
    res.write(`{"type":"${type}","object":${objectJson}}\n`);
    if (res.writableLength > MAX_BUFFERED_BYTES) finish();
  };
  const sendEvent = (type: EventType, obj: KubeObject): void => {
    lastRevision = Math.max(lastRevision, Number(obj.metadata.resourceVersion ?? 0));
    send(type, encodeObject(obj));
  };
  const sendBookmark = (annotations?: Record<string, string>): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(Math.max(lastRevision, store.cache.revision)) };
    if (annotations !== undefined) metadata['annotations'] = annotations;
    send('BOOKMARK', JSON.stringify({ kind: strategy.type.kind, apiVersion: apiVersionOf(strategy.type), metadata }));
  };
  const sendExpired = (message: string): void => {
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 };
    send('ERROR', JSON.stringify(status));
    finish();
  };

  const deliver = (event: CacheEvent): void => {
    if (event.revision <= lastRevision) return;
    const now = matches(event.object);
    const before = matches(event.prevObject);
    switch (event.type) {
      case 'ADDED':
        if (now) sendEvent('ADDED', event.object);
        break;
      case 'MODIFIED':
        if (now && before) sendEvent('MODIFIED', event.object);
        else if (now) sendEvent('ADDED', event.object);
        else if (before) sendEvent('DELETED', event.object);
        break;
      case 'DELETED':
        if (now) sendEvent('DELETED', event.object);
        break;
    }
  };

  // RV unset or "0": start with the current state as ADDED; otherwise resume after the RV.
  const fromRevision = options.resourceVersion === undefined || options.resourceVersion === 0 ? undefined : options.resourceVersion;
  let registration;
  try {
    registration = store.cache.watch(fromRevision, { deliver, expire: () => sendExpired('too old resource version: the watch cache was reset'), end: finish });
  } catch (err) {
    if (err instanceof TooOldRevisionError) {
      sendExpired(err.message);
      return;
    }
    throw err;
  }
  unsubscribe = () => registration.unsubscribe();
  if (fromRevision !== undefined) lastRevision = fromRevision;
  for (const event of registration.initial) {
    if (fromRevision === undefined) {
      if (matches(event.object)) send('ADDED', encodeObject(event.object));
    } else deliver(event);
  }
  lastRevision = Math.max(lastRevision, registration.revision);
  if (options.sendInitialEvents === true) sendBookmark({ 'k8s.io/initial-events-end': 'true' });

  const seconds = options.timeoutSeconds ?? MIN_WATCH_SECONDS * (1 + Math.random());
  timers.push(setTimeout(finish, seconds * 1000));
  if (options.allowWatchBookmarks) {
    const tick = (): void => {
      sendBookmark();
      timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS).unref());
    };
    timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS).unref());
  }
  req.on('close', finish);
  res.on('close', finish);
}
