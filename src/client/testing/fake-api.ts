/**
 * A small in-memory Kubernetes API over HTTP, for unit tests of components that must not import
 * the real apiserver (controllers, scheduler, kubelet): legacy discovery, get/list/watch (with
 * label selectors), create (with generateName), update (compare-and-swap on resourceVersion),
 * merge and JSON patches, the status subresource of types declared with `status: true`,
 * delete/deletecollection with finalizers, deletionTimestamp, preconditions and the
 * Foreground/Orphan propagation finalizers, and the
 * namespace `finalize` subresource. Only `metadata.name=` field selectors; no validation, no
 * defaulting, no pagination. Objects live in memory; `resourceVersion` is one global counter.
 */
import type { ServerResponse } from 'node:http';
import fastJsonPatch from 'fast-json-patch';
import { labelsMatch, parseSelector, type Selector } from '../../api/labels/index.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { jsonMergePatch } from '../../api/patch/json-merge-patch.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import { apiVersionOf } from '../../api/resource-type.ts';
import type { FakeServer, RecordedRequest } from './fake-server.ts';
import { sendJson, sendStatus, startFakeServer } from './fake-server.ts';

/** A resource type the fake serves, with the verbs it announces. */
export interface FakeApiType {
  type: ResourceType;
  /** @default all verbs */
  verbs?: string[];
  /**
   * The type has a status subresource: updates and patches of the object keep the stored
   * status, and `…/status` writes change nothing but the status.
   */
  status?: boolean;
}

interface Watcher {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  selector: Selector;
  res: ServerResponse;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Route {
  type: ResourceType;
  status: boolean;
  verbs: string[];
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/** The fake API server; see the file comment for what it implements. */
export class FakeApi {
  readonly #types: FakeApiType[];
  readonly #objects = new Map<string, KubeObject>();
  readonly #watchers = new Set<Watcher>();
  #rv = 1;
  #server: FakeServer | undefined;
  /** Discovery paths (`/apis/example.com/v1`) that answer 503, to test partial discovery failure. */
  readonly failingDiscovery = new Set<string>();
  /**
   * Consulted before each request: returning an error makes the fake answer with it (e.g. to
   * make pod creation fail with 403).
   */
  intercept: (req: RecordedRequest) => { code: number; reason: string; message: string } | undefined = () => undefined;
  /** Types whose watch events are held back (see holdEvents), with the events held. */
  readonly #held = new Map<ResourceType, { eventType: string; obj: KubeObject }[]>();
  /** The wall clock for creationTimestamp and deletionTimestamp (tests with a FakeClock pass its wallNow). */
  now: () => Date = () => new Date();
  #nameSeq = 0;

  constructor(types: FakeApiType[]) {
    this.#types = types;
  }

  /** Serves another type from now on (as a newly installed custom resource would be). */
  addType(t: FakeApiType): void {
    this.#types.push(t);
  }

  /** Starts serving (plain HTTP on 127.0.0.1); returns the base URL. */
  async start(): Promise<string> {
    this.#server = await startFakeServer((req, res) => this.#handle(req, res));
    return this.#server.url;
  }

  async close(): Promise<void> {
    for (const w of this.#watchers) w.res.end();
    this.#watchers.clear();
    await this.#server?.close();
  }

  /** Every request served so far. */
  get requests(): RecordedRequest[] {
    return this.#server?.requests ?? [];
  }

  /** Stores an object directly (as if created), with a new resourceVersion. */
  put(type: ResourceType, obj: KubeObject): KubeObject {
    const stored = structuredClone(obj);
    stored.apiVersion = apiVersionOf(type);
    stored.kind = type.kind;
    stored.metadata.resourceVersion = String(++this.#rv);
    stored.metadata.uid ??= `uid-${this.#rv}`;
    stored.metadata.creationTimestamp ??= this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    stored.metadata.generation ??= 1;
    const key = this.#key(type, stored.metadata.namespace, stored.metadata.name ?? '');
    const previous = this.#objects.get(key);
    const existed = previous !== undefined;
    // A direct put of a changed spec is a new generation, as an update through the API would be.
    if (previous !== undefined && stored.metadata.generation === previous.metadata.generation && !deepEqual(stored.spec, previous.spec)) {
      stored.metadata.generation = (previous.metadata.generation ?? 1) + 1;
    }
    this.#objects.set(key, stored);
    this.#notify(type, existed ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  /** The stored object, or undefined. */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#objects.get(this.#key(type, namespace, name));
  }

  /** Stored objects of a type (in a namespace, when given). */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const prefix = `${apiVersionOf(type)}/${type.resource}/`;
    return [...this.#objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (namespace === undefined || o.metadata.namespace === namespace))
      .map(([, o]) => o);
  }

  /**
   * Deletes as the apiserver does: an object with finalizers (metadata, or a namespace's spec
   * finalizers) only gets a deletionTimestamp; otherwise it is removed.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.get(type, namespace, name);
    if (obj === undefined) return undefined;
    const specFinalizers = type.kind === 'Namespace' ? ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
    if ((obj.metadata.finalizers ?? []).length > 0 || specFinalizers.length > 0) {
      if (obj.metadata.deletionTimestamp !== undefined) return obj;
      const updated = structuredClone(obj);
      updated.metadata.deletionTimestamp = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      if (type.kind === 'Namespace') updated.status = { phase: 'Terminating' };
      return this.put(type, updated);
    }
    this.#objects.delete(this.#key(type, namespace, name));
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } };
    this.#notify(type, 'DELETED', gone);
    return gone;
  }

  #key(type: ResourceType, namespace: string | undefined, name: string): string {
    return `${apiVersionOf(type)}/${type.resource}/${type.namespaced ? (namespace ?? '') : ''}/${name}`;
  }

  /** Holds back watch events of `type` (as a slow watch would) until releaseEvents. */
  holdEvents(type: ResourceType): void {
    if (!this.#held.has(type)) this.#held.set(type, []);
  }

  /** Delivers the held events of `type` in order and stops holding. */
  releaseEvents(type: ResourceType): void {
    const held = this.#held.get(type) ?? [];
    this.#held.delete(type);
    for (const { eventType, obj } of held) this.#notify(type, eventType, obj);
  }

  #notify(type: ResourceType, eventType: string, obj: KubeObject): void {
    const held = this.#held.get(type);
    if (held !== undefined) {
      held.push({ eventType, obj });
      return;
    }
    for (const w of this.#watchers) {
      if (w.type !== type) continue;
      if (w.namespace !== undefined && w.namespace !== obj.metadata.namespace) continue;
      if (w.name !== undefined && w.name !== obj.metadata.name) continue;
      if (!labelsMatch(w.selector, obj.metadata.labels)) continue;
      w.res.write(`${JSON.stringify({ type: eventType, object: obj })}\n`);
    }
  }

  /** Finishes a deletion whose last finalizer went away. */
  #maybeFinishDeletion(type: ResourceType, obj: KubeObject): void {
    if (obj.metadata.deletionTimestamp === undefined) return;
    const spec = type.kind === 'Namespace' ? ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
    if ((obj.metadata.finalizers ?? []).length === 0 && spec.length === 0) this.delete(type, obj.metadata.namespace, obj.metadata.name ?? '');
  }

  #route(path: string): Route | undefined {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
    if (m === null) return undefined;
    const [, coreVersion, group, groupVersion, ns, resource, name, sub] = m;
    let namespace = ns;
    let objectName = name;
    let subresource = sub;
    let resourceName = resource;
    // `/api/v1/namespaces/x` and `/api/v1/namespaces/x/finalize` address the namespace itself.
    if (ns !== undefined && resource !== undefined && name === undefined && !this.#types.some((t) => t.type.resource === resource && t.type.namespaced)) {
      resourceName = 'namespaces';
      objectName = ns;
      namespace = undefined;
      subresource = resource;
    }
    const entry = this.#types.find(
      (t) => t.type.resource === resourceName && t.type.group === (group ?? '') && t.type.version === (coreVersion ?? groupVersion),
    );
    if (entry === undefined) return undefined;
    return { type: entry.type, status: entry.status === true, verbs: entry.verbs ?? ALL_VERBS, namespace: entry.type.namespaced ? namespace : undefined, name: objectName, subresource };
  }

  #discovery(path: string): unknown {
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'] };
    if (path === '/apis') {
      const groups = [...new Set(this.#types.filter((t) => t.type.group !== '').map((t) => `${t.type.group}/${t.type.version}`))];
      return {
        kind: 'APIGroupList',
        groups: groups.map((gv) => {
          const [name, version] = gv.split('/') as [string, string];
          return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
        }),
      };
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (m === null) return undefined;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3];
    const resources = this.#types
      .filter((t) => t.type.group === group && t.type.version === version)
      .map((t) => ({ name: t.type.resource, singularName: t.type.singular, namespaced: t.type.namespaced, kind: t.type.kind, verbs: t.verbs ?? ALL_VERBS }));
    return { kind: 'APIResourceList', groupVersion: group === '' ? version : `${group}/${version}`, resources };
  }

  #handle(req: RecordedRequest, res: ServerResponse): void {
    const url = new URL(req.url, 'http://fake');
    if (this.failingDiscovery.has(url.pathname)) return sendStatus(res, 503, 'ServiceUnavailable', 'discovery failing');
    const rejected = this.intercept(req);
    if (rejected !== undefined) return sendStatus(res, rejected.code, rejected.reason, rejected.message);
    const doc = req.method === 'GET' ? this.#discovery(url.pathname) : undefined;
    if (doc !== undefined) return sendJson(res, 200, doc);
    const route = this.#route(url.pathname);
    if (route === undefined) return sendStatus(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const { type, namespace, name, subresource } = route;
    const verb = this.#verb(req.method, name, url.searchParams.get('watch') === 'true');
    if (!route.verbs.includes(verb) && subresource === undefined) return sendStatus(res, 405, 'MethodNotAllowed', `${verb} is not supported on ${type.resource}`);
    const nameSelector = /^metadata\.name=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
    let selector: Selector;
    try {
      selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
    } catch (err) {
      return sendStatus(res, 400, 'BadRequest', `invalid labelSelector: ${(err as Error).message}`);
    }
    const selected = (o: KubeObject): boolean => (nameSelector === undefined || o.metadata.name === nameSelector) && labelsMatch(selector, o.metadata.labels);

    switch (verb) {
      case 'watch': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        const watcher: Watcher = { type, namespace, name: nameSelector, selector, res };
        this.#watchers.add(watcher);
        res.on('close', () => this.#watchers.delete(watcher));
        const since = Number(url.searchParams.get('resourceVersion') ?? '0');
        for (const obj of this.list(type, namespace)) {
          if (Number(obj.metadata.resourceVersion) > since && selected(obj)) {
            res.write(`${JSON.stringify({ type: 'ADDED', object: obj })}\n`);
          }
        }
        return;
      }
      case 'list': {
        const items = this.list(type, namespace).filter(selected);
        return sendJson(res, 200, { apiVersion: apiVersionOf(type), kind: type.listKind, metadata: { resourceVersion: String(this.#rv) }, items });
      }
      case 'get': {
        const obj = this.get(type, namespace, name ?? '');
        return obj === undefined ? sendStatus(res, 404, 'NotFound', `${type.resource} "${name}" not found`) : sendJson(res, 200, obj);
      }
      case 'create': {
        const obj = JSON.parse(req.body) as KubeObject;
        if (type.namespaced) obj.metadata.namespace = namespace;
        if ((obj.metadata.name ?? '') === '' && (obj.metadata.generateName ?? '') !== '') obj.metadata.name = `${obj.metadata.generateName}${(++this.#nameSeq).toString(36).padStart(5, 'x')}`;
        if (this.get(type, namespace, obj.metadata.name ?? '') !== undefined) return sendStatus(res, 409, 'AlreadyExists', `${type.resource} "${obj.metadata.name}" already exists`);
        delete obj.metadata.resourceVersion;
        delete obj.metadata.uid;
        delete obj.metadata.generation;
        delete obj.metadata.creationTimestamp;
        return sendJson(res, 201, this.put(type, obj));
      }
      case 'update': {
        const obj = JSON.parse(req.body) as KubeObject;
        const current = this.get(type, namespace, name ?? '');
        if (current === undefined) return sendStatus(res, 404, 'NotFound', `${type.resource} "${name}" not found`);
        if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== current.metadata.resourceVersion) {
          return sendStatus(res, 409, 'Conflict', `Operation cannot be fulfilled on ${type.resource} "${name}": the object has been modified`);
        }
        return this.#write(res, route, current, obj, subresource);
      }
      case 'patch': {
        const current = this.get(type, namespace, name ?? '');
        if (current === undefined) return sendStatus(res, 404, 'NotFound', `${type.resource} "${name}" not found`);
        let patched: KubeObject;
        try {
          const body: unknown = JSON.parse(req.body);
          patched = (req.headers['content-type'] ?? '').startsWith('application/json-patch+json')
            ? (fastJsonPatch.applyPatch(structuredClone(current), body as fastJsonPatch.Operation[], true, false).newDocument)
            : (jsonMergePatch(current, body) as KubeObject);
        } catch (err) {
          return sendStatus(res, 422, 'Invalid', `cannot apply the patch: ${(err as Error).message}`);
        }
        if (patched.metadata.resourceVersion !== current.metadata.resourceVersion && patched.metadata.resourceVersion !== undefined) {
          return sendStatus(res, 409, 'Conflict', `Operation cannot be fulfilled on ${type.resource} "${name}": the object has been modified`);
        }
        return this.#write(res, route, current, patched, subresource);
      }
      case 'delete': {
        const current = this.get(type, namespace, name ?? '');
        const options = req.body === '' ? {} : (JSON.parse(req.body) as { preconditions?: { uid?: string; resourceVersion?: string }; propagationPolicy?: string });
        const pre = options.preconditions;
        if (current !== undefined && ((pre?.uid !== undefined && pre.uid !== current.metadata.uid) || (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion))) {
          return sendStatus(res, 409, 'Conflict', `Precondition failed for ${type.resource} "${name}"`);
        }
        // Foreground and Orphan deletions leave the object to the garbage collector, as the apiserver does.
        const gcFinalizer = { Foreground: 'foregroundDeletion', Orphan: 'orphan' }[options.propagationPolicy ?? ''];
        if (current !== undefined && gcFinalizer !== undefined && !(current.metadata.finalizers ?? []).includes(gcFinalizer)) {
          this.put(type, { ...current, metadata: { ...current.metadata, finalizers: [...(current.metadata.finalizers ?? []), gcFinalizer] } });
        }
        const gone = this.delete(type, namespace, name ?? '');
        return gone === undefined ? sendStatus(res, 404, 'NotFound', `${type.resource} "${name}" not found`) : sendJson(res, 200, gone);
      }
      case 'deletecollection': {
        for (const obj of this.list(type, namespace)) this.delete(type, namespace, obj.metadata.name ?? '');
        return sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
      }
      default:
        return sendStatus(res, 405, 'MethodNotAllowed', `${req.method} is not supported`);
    }
  }

  /** Stores an update or patch result the way the apiserver would (see the file comment). */
  #write(res: ServerResponse, route: Route, current: KubeObject, obj: KubeObject, subresource: string | undefined): void {
    const next = structuredClone(current);
    if (subresource === 'finalize') next.spec = { ...(next.spec as object), finalizers: (obj.spec as { finalizers?: string[] }).finalizers ?? [] };
    else if (subresource === 'status') next.status = obj.status;
    else {
      for (const key of Object.keys(next)) if (key !== 'metadata' && key !== 'apiVersion' && key !== 'kind') delete next[key];
      Object.assign(next, obj, {
        metadata: { ...obj.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, deletionTimestamp: current.metadata.deletionTimestamp },
      });
      if (route.status) next.status = current.status;
      next.metadata.generation = (current.metadata.generation ?? 1) + (deepEqual(next.spec, current.spec) ? 0 : 1);
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (deepEqual(next, current)) return sendJson(res, 200, current);
    const stored = this.put(route.type, next);
    this.#maybeFinishDeletion(route.type, stored);
    sendJson(res, 200, this.get(route.type, stored.metadata.namespace, stored.metadata.name ?? '') ?? stored);
  }

  #verb(method: string, name: string | undefined, watch: boolean): string {
    if (method === 'GET') return name === undefined ? (watch ? 'watch' : 'list') : 'get';
    if (method === 'POST') return 'create';
    if (method === 'PUT') return 'update';
    if (method === 'PATCH') return 'patch';
    if (method === 'DELETE') return name === undefined ? 'deletecollection' : 'delete';
    return 'unknown';
  }
}
