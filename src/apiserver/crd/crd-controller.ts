/**
 * The CRD controller of one apiserver: it makes the registry serve what the stored
 * CustomResourceDefinitions define. Every apiserver runs one, fed by its own watch of the CRD
 * resource (the watch cache, which follows storage), so a CRD created through any apiserver of
 * a cluster is served by all of them within moments; none of them needs to be told.
 *
 * It is level-triggered: a CRD event queues the CRD's name (and its group's CRDs still waiting
 * for their names), and one loop reconciles queued names one at a time against the latest
 * cached state:
 *   1. gone            → stop serving its versions;
 *   2. being deleted   → keep serving (creates refused), delete every object of the resource,
 *                        and once none is left remove the cleanup finalizer, so the CRD goes;
 *   3. status outdated → write accepted names and the NamesAccepted / Established conditions
 *                        (the write comes back as an event and is reconciled again);
 *   4. names accepted  → serve each served version: a strategy, OpenAPI schemas and a
 *                        deprecation warning per version, replaced when the CRD changes.
 * Several apiservers may do steps 2 and 3 at once: writes are compare-and-swap and retried on
 * fresh state, and deletes of objects already gone are fine, so they converge.
 */
import { nextCrdStatus, setCondition, takenNames, terminating, type TakenNames } from '../../api/apiextensions/v1/crd-naming.ts';
import { customResourceSchemas } from '../../api/apiextensions/v1/crd-openapi.ts';
import { customResourceType, deprecationWarning, versionSchema } from '../../api/apiextensions/v1/custom-resource.ts';
import {
  CLEANUP_FINALIZER,
  crdConditionTrue,
  crdType,
  ESTABLISHED,
  NAMES_ACCEPTED,
  type CustomResourceDefinition,
  type CustomResourceDefinitionNames,
} from '../../api/apiextensions/v1/types.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { compareVersionPriority } from '../../api/meta/version-priority.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import { ApiError } from '../errors.ts';
import type { ApiRegistry } from '../registry/api-registry.ts';
import { formatTimestamp, type GenericStore } from '../registry/generic-store.ts';
import { objectKey, resourcePrefix } from '../registry/keys.ts';
import { parseListOptions } from '../registry/list-options.ts';
import type { WatchRegistration } from '../registry/watch-cache.ts';
import { customResourceStrategy } from './custom-resource-strategy.ts';

/** How soon a CRD is looked at again after a failure, or while its objects are going away. */
const RETRY_MS = 1000;

interface Served {
  /** What the served strategies were built from; a change rebuilds them. */
  readonly fingerprint: string;
  readonly types: readonly ResourceType[];
}

export interface CrdControllerOptions {
  /** Where errors go (default: nowhere). */
  readonly log?: (message: string) => void;
  readonly now?: () => Date;
}

function typeKey(t: Pick<ResourceType, 'group' | 'version' | 'resource'>): string {
  return `${t.group}/${t.version}/${t.resource}`;
}

function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

export class CrdController {
  readonly #registry: ApiRegistry;
  readonly #log: (message: string) => void;
  readonly #now: () => Date;
  /** CRD names waiting for a reconcile. Invariant: a name is in the set at most once. */
  readonly #queue = new Set<string>();
  readonly #served = new Map<string, Served>();
  /** Keys (group/version/resource) of the resources this controller serves: everything else is built in. */
  readonly #custom = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #registration: WatchRegistration | undefined;
  #loop: Promise<void> | undefined;
  #idle: (() => void)[] = [];
  #stopped = false;

  constructor(registry: ApiRegistry, options: CrdControllerOptions = {}) {
    this.#registry = registry;
    this.#log = options.log ?? (() => {});
    this.#now = options.now ?? (() => new Date());
  }

  get #crds(): GenericStore {
    const served = this.#registry.lookup(crdType.group, crdType.version, crdType.resource);
    if (served === undefined) throw new Error('customresourcedefinitions are not registered');
    return served.store;
  }

  /** Starts following the CRDs; resolves once the CRDs stored now are served. */
  async start(): Promise<void> {
    const cache = this.#crds.cache;
    this.#registration = cache.watch(undefined, {
      deliver: (event) => this.#onChange(event.object as CustomResourceDefinition),
      expire: () => this.#resyncAll(),
      end: () => {},
    });
    for (const event of this.#registration.initial) this.#enqueue(event.object.metadata.name ?? '');
    await this.whenIdle();
  }

  /** Stops reconciling; what is served stays served. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#registration?.unsubscribe();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#queue.clear();
    await this.#loop;
  }

  /** Resolves once nothing is queued (for startup and tests). */
  whenIdle(): Promise<void> {
    if (this.#loop === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #onChange(crd: CustomResourceDefinition): void {
    const name = crd.metadata.name ?? '';
    this.#enqueue(name);
    // A CRD that changed or went may free names others of its group are waiting for.
    const group = crd.spec?.group;
    for (const other of this.#allCrds()) {
      if (other.spec?.group === group && other.metadata.name !== name && !crdConditionTrue(other, NAMES_ACCEPTED)) this.#enqueue(other.metadata.name ?? '');
    }
  }

  #resyncAll(): void {
    for (const crd of this.#allCrds()) this.#enqueue(crd.metadata.name ?? '');
    for (const name of this.#served.keys()) this.#enqueue(name);
  }

  #allCrds(): CustomResourceDefinition[] {
    return this.#crds.cache.list(resourcePrefix(crdType)) as CustomResourceDefinition[];
  }

  #enqueue(name: string): void {
    if (this.#stopped || name === '') return;
    this.#queue.add(name);
    this.#loop ??= this.#drain();
  }

  #retryLater(name: string): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#enqueue(name);
    }, RETRY_MS);
    timer.unref();
    this.#timers.add(timer);
  }

  async #drain(): Promise<void> {
    try {
      while (!this.#stopped && this.#queue.size > 0) {
        const name = this.#queue.values().next().value!;
        this.#queue.delete(name);
        try {
          await this.#reconcile(name);
        } catch (err) {
          this.#log(`customresourcedefinition ${name}: ${err instanceof Error ? err.message : String(err)}`);
          this.#retryLater(name);
        }
      }
    } finally {
      this.#loop = undefined;
      const waiting = this.#idle;
      this.#idle = [];
      for (const resolve of waiting) resolve();
    }
  }

  async #reconcile(name: string): Promise<void> {
    const crd = this.#crds.cache.get(objectKey(crdType, '', name)) as CustomResourceDefinition | undefined;
    if (crd === undefined) {
      await this.#unserve(name);
      return;
    }
    if (crd.metadata.deletionTimestamp !== undefined) {
      if (crd.status?.acceptedNames !== undefined) await this.#serve(crd);
      await this.#cleanUp(crd);
      return;
    }
    const taken = this.#taken(crd);
    if (!deepEqual(nextCrdStatus(crd, taken, formatTimestamp(this.#now())), crd.status)) {
      await this.#writeStatus(name);
      return;
    }
    if (crdConditionTrue(crd, NAMES_ACCEPTED) || crdConditionTrue(crd, ESTABLISHED)) await this.#serve(crd);
    else await this.#unserve(name);
  }

  /** Names the other resources of the CRD's group hold: other CRDs' accepted names, built-in resources. */
  #taken(crd: CustomResourceDefinition): TakenNames {
    const holders: Partial<CustomResourceDefinitionNames>[] = [];
    for (const other of this.#allCrds()) {
      if (other.metadata.name !== crd.metadata.name && other.spec?.group === crd.spec.group && other.status?.acceptedNames !== undefined) {
        holders.push(other.status.acceptedNames);
      }
    }
    for (const { store } of this.#registry.all()) {
      const t = store.strategy.type;
      if (t.group !== crd.spec.group || this.#custom.has(typeKey(t))) continue;
      holders.push({ plural: t.resource, singular: t.singular, shortNames: [...t.shortNames], kind: t.kind, listKind: t.listKind });
    }
    return takenNames(holders);
  }

  async #writeStatus(name: string): Promise<void> {
    await this.#crds.guaranteedUpdate('', name, 'status', { dryRun: false }, undefined, (current) => {
      const crd = current as CustomResourceDefinition;
      crd.status = nextCrdStatus(crd, this.#taken(crd), formatTimestamp(this.#now()));
      return crd;
    });
  }

  async #serve(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name!;
    const fingerprint = JSON.stringify([crd.metadata.uid, crd.metadata.deletionTimestamp !== undefined, crd.spec, crd.status?.acceptedNames]);
    const current = this.#served.get(name);
    if (current?.fingerprint === fingerprint) return;
    const types: ResourceType[] = [];
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      let strategy;
      try {
        strategy = customResourceStrategy(crd, version);
      } catch (err) {
        // Only a CRD stored under other rules can get here; retrying would not help.
        this.#log(`customresourcedefinition ${name}: version ${version.name} cannot be served: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const type = customResourceType(crd, version.name);
      await this.#registry.add(strategy, [], {
        schemas: customResourceSchemas(type, versionSchema(version)),
        warning: deprecationWarning(crd, version, compareVersionPriority),
      });
      this.#custom.add(typeKey(type));
      types.push(type);
    }
    for (const old of current?.types ?? []) {
      if (!types.some((t) => typeKey(t) === typeKey(old))) await this.#removeType(old);
    }
    this.#served.set(name, { fingerprint, types });
  }

  async #unserve(name: string): Promise<void> {
    const current = this.#served.get(name);
    if (current === undefined) return;
    this.#served.delete(name);
    for (const t of current.types) await this.#removeType(t);
  }

  async #removeType(t: ResourceType): Promise<void> {
    this.#custom.delete(typeKey(t));
    await this.#registry.remove(t);
  }

  /** Deletes the objects of a CRD being deleted; removes its finalizer once none is left. */
  async #cleanUp(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name!;
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) return;
    const served = this.#served.get(name);
    const store = served?.types[0] === undefined ? undefined : this.#registry.lookup(served.types[0].group, served.types[0].version, served.types[0].resource)?.store;
    let remaining = 0;
    if (store !== undefined) {
      const all = parseListOptions(new URLSearchParams());
      for (const obj of (await store.list('', all)).items) {
        if (obj.metadata.deletionTimestamp !== undefined) continue;
        try {
          await store.delete(obj.metadata.namespace ?? '', obj.metadata.name ?? '', { dryRun: false, gracePeriodSeconds: undefined, preconditions: undefined });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      remaining = (await store.list('', all)).items.length;
    }
    if (remaining > 0) {
      await this.#setTerminating(name, 'InstanceDeletionInProgress', `CustomResource deletion is in progress: ${remaining} object(s) left, waiting for their finalizers`);
      this.#retryLater(name);
      return;
    }
    try {
      await this.#crds.guaranteedUpdate('', name, 'main', { dryRun: false }, undefined, (current: KubeObject) => {
        current.metadata.finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
        return current;
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async #setTerminating(name: string, reason: string, message: string): Promise<void> {
    await this.#crds.guaranteedUpdate('', name, 'status', { dryRun: false }, undefined, (current) => {
      const crd = current as CustomResourceDefinition;
      const status = crd.status ?? {};
      status.conditions = setCondition(status.conditions ?? [], terminating(reason, message), formatTimestamp(this.#now()));
      crd.status = status;
      return crd;
    });
  }
}
