/**
 * The garbage collector's view of the cluster: one metadata-only informer ("monitor") per
 * resource type that discovery reports as listable, watchable and deletable (preferred version
 * of each group; events excluded: they are many and never own anything). Discovery is re-read
 * periodically, so types added later (custom resources) are monitored too and types that are
 * gone stop being watched.
 *
 * Every monitor indexes its objects by uid and by owner uid, which answers the two questions
 * the collector asks: "which object has this uid?" and "which objects name it as an owner?".
 */
import type { KubeObject, OwnerReference } from '../../api/meta/types.ts';
import { apiVersionOf } from '../../api/resource-type.ts';
import type { Clientset, Clock, DiscoveredResource, EventHandlers, Logger } from '../../client/index.ts';
import { Informer, listerWatcherFor, metadataOnly, objectKey } from '../../client/index.ts';

const UID_INDEX = 'byUid';
const OWNER_UID_INDEX = 'byOwnerUid';

/** Types the collector never watches. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

/** One monitored type: its discovery entry and its running informer. */
interface Monitor {
  readonly type: DiscoveredResource;
  readonly informer: Informer<KubeObject>;
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

/** An object found in a monitor, with the type it belongs to. */
export interface Located {
  readonly obj: KubeObject;
  readonly type: DiscoveredResource;
}

function groupResource(t: Pick<DiscoveredResource, 'group' | 'resource'>): string {
  return `${t.group}/${t.resource}`;
}

/** The monitors; see the file comment. */
export class Monitors {
  readonly #clientset: Clientset;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #handlers: EventHandlers<KubeObject>;
  /** group/resource → monitor (preferred version). */
  readonly #monitors = new Map<string, Monitor>();
  /** apiVersion|kind → type, for every served version (owner references may name any). */
  #kinds = new Map<string, DiscoveredResource>();

  constructor(clientset: Clientset, clock: Clock, logger: Logger, handlers: EventHandlers<KubeObject>) {
    this.#clientset = clientset;
    this.#clock = clock;
    this.#logger = logger;
    this.#handlers = handlers;
  }

  /**
   * Reads discovery and starts monitors for new types, stopping those of types that are gone.
   * Group-versions that fail discovery keep their current monitors (their types may well still
   * exist). Resolves once every monitor has synced.
   */
  async sync(signal: AbortSignal): Promise<void> {
    const { resources, failed } = await this.#clientset.serverResources(signal);
    const kinds = new Map<string, DiscoveredResource>();
    for (const r of resources) kinds.set(`${apiVersionOf(r)}|${r.kind}`, r);
    for (const m of this.#monitors.values()) kinds.set(`${apiVersionOf(m.type)}|${m.type.kind}`, kinds.get(`${apiVersionOf(m.type)}|${m.type.kind}`) ?? m.type);
    this.#kinds = kinds;

    const wanted = new Map<string, DiscoveredResource>();
    for (const r of resources) {
      const gr = groupResource(r);
      if (!r.preferred || IGNORED.has(gr)) continue;
      if (!['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) continue;
      wanted.set(gr, r);
    }
    const failedGroups = new Set(failed.map((f) => (f.groupVersion.includes('/') ? f.groupVersion.slice(0, f.groupVersion.indexOf('/')) : '')));
    for (const [gr, m] of this.#monitors) {
      if (wanted.has(gr) || failedGroups.has(m.type.group)) continue;
      m.stop.abort();
      this.#monitors.delete(gr);
      this.#logger.info('stopped monitoring a resource type that is no longer served', { resource: gr });
    }
    const started: Monitor[] = [];
    for (const [gr, type] of wanted) {
      if (this.#monitors.has(gr)) continue;
      const informer = new Informer<KubeObject>({
        listerWatcher: metadataOnly(listerWatcherFor(this.#clientset.resource(type))),
        name: `gc:${gr}`,
        clock: this.#clock,
        logger: this.#logger,
        indexers: {
          [UID_INDEX]: (o) => (o.metadata.uid === undefined ? [] : [o.metadata.uid]),
          [OWNER_UID_INDEX]: (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid),
        },
      });
      informer.addEventHandler(this.#handlers);
      const stop = new AbortController();
      const both = AbortSignal.any([signal, stop.signal]);
      const monitor: Monitor = { type, informer, stop, done: informer.run(both) };
      this.#monitors.set(gr, monitor);
      started.push(monitor);
    }
    await Promise.all(started.map((m) => m.informer.waitForSync(signal)));
  }

  /** Whether every monitor has synced. */
  synced(): boolean {
    return [...this.#monitors.values()].every((m) => m.informer.hasSynced());
  }

  /** The object with `uid`, in whichever monitor holds it. */
  byUid(uid: string): Located | undefined {
    for (const m of this.#monitors.values()) {
      const obj = m.informer.store.byIndex(UID_INDEX, uid)[0];
      if (obj !== undefined) return { obj, type: m.type };
    }
    return undefined;
  }

  /** Every cached object that names `uid` among its owners. */
  dependentsOf(uid: string): Located[] {
    return [...this.#monitors.values()].flatMap((m) => m.informer.store.byIndex(OWNER_UID_INDEX, uid).map((obj) => ({ obj, type: m.type })));
  }

  /** The type an owner reference names, if the server serves it. */
  typeOf(ref: Pick<OwnerReference, 'apiVersion' | 'kind'>): DiscoveredResource | undefined {
    return this.#kinds.get(`${ref.apiVersion}|${ref.kind}`);
  }

  /** The cached object an owner reference of an object in `namespace` points at (by name; the uid is the caller's to compare). */
  cachedOwner(ref: OwnerReference, namespace: string | undefined): KubeObject | undefined {
    const type = this.typeOf(ref);
    if (type === undefined) return undefined;
    const m = this.#monitors.get(groupResource(type));
    return m?.informer.store.get(objectKey({ metadata: { namespace: type.namespaced ? namespace : undefined, name: ref.name } }));
  }

  /** Stops every monitor and waits for them. */
  async stop(): Promise<void> {
    for (const m of this.#monitors.values()) m.stop.abort();
    await Promise.all([...this.#monitors.values()].map((m) => m.done));
    this.#monitors.clear();
  }
}
