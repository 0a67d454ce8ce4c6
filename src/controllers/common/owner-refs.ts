/**
 * Controller references (`ownerReferences[]` entries with `controller: true`) and the claim
 * rule every workload controller follows (upstream's ControllerRefManager):
 * - objects it controls that still match its selector are its own;
 * - objects it controls that no longer match are released (its reference removed);
 * - objects that match and have no controller are adopted (its reference added), unless the
 *   owner is being deleted — checked against a fresh read, because a cached owner may already
 *   be gone and adopting for it would hand the object to the garbage collector.
 * Adoption and release are merge patches carrying the object's resourceVersion, so a change
 * made meanwhile by someone else makes them fail (409) instead of overwriting it; the
 * reconcile then retries on fresher state.
 */
import type { KubeObject, OwnerReference } from '../../api/meta/types.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import { apiVersionOf } from '../../api/resource-type.ts';
import type { ResourceClient } from '../../client/index.ts';
import { isConflict, isNotFound } from '../../client/index.ts';

/** The controller reference of `obj`, if it has one. */
export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** Whether `owner` (by uid) is the controller of `obj`. */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRef(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

/** The reference a controller puts on what it creates: controller, and blocking foreground deletion of the owner. */
export function newControllerRef(owner: KubeObject, ownerType: ResourceType): OwnerReference {
  return {
    apiVersion: apiVersionOf(ownerType),
    kind: ownerType.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** What `claim` needs to know about the owner and its objects. */
export interface ClaimSpec<T extends KubeObject> {
  readonly owner: KubeObject;
  readonly ownerType: ResourceType;
  /** Whether an object matches the owner's selector. */
  readonly matches: (obj: T) => boolean;
  /** The client of the claimed objects' type, for adoption and release. */
  readonly client: ResourceClient<T>;
  /** A fresh read of the owner (not from a cache), before adopting anything. */
  readonly getFreshOwner: () => Promise<KubeObject>;
  /** Told the resourceVersion of each adoption or release written (for WriteExpectations). */
  readonly onWrite?: (resourceVersion: string | undefined) => void;
  readonly signal: AbortSignal;
}

function withoutRef(obj: KubeObject, uid: string | undefined): OwnerReference[] {
  return (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
}

/**
 * The objects of `candidates` the owner controls after claiming (see the file comment). An
 * object that vanished or changed meanwhile is left out; the next reconcile sees it again.
 */
export async function claim<T extends KubeObject>(candidates: readonly T[], spec: ClaimSpec<T>): Promise<T[]> {
  const { owner } = spec;
  const claimed: T[] = [];
  const toAdopt: T[] = [];
  const toRelease: T[] = [];
  for (const obj of candidates) {
    const ref = controllerRef(obj);
    if (ref !== undefined) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (spec.matches(obj)) claimed.push(obj);
      // A controller still releases objects it is being deleted with: they are not its any more.
      else toRelease.push(obj);
    } else if (spec.matches(obj) && obj.metadata.deletionTimestamp === undefined && owner.metadata.deletionTimestamp === undefined) {
      toAdopt.push(obj);
    }
  }
  const patch = async (obj: T, ownerReferences: OwnerReference[]): Promise<T | undefined> => {
    try {
      const patched = await spec.client.patch(
        obj.metadata.name ?? '',
        // An empty list is removed rather than stored as [] (as Go clients omit it).
        { metadata: { ownerReferences: ownerReferences.length > 0 ? ownerReferences : null, resourceVersion: obj.metadata.resourceVersion } },
        { namespace: obj.metadata.namespace, signal: spec.signal },
      );
      spec.onWrite?.(patched.metadata.resourceVersion);
      return patched;
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return undefined;
      throw err;
    }
  };
  await Promise.all(toRelease.map((obj) => patch(obj, withoutRef(obj, owner.metadata.uid))));
  if (toAdopt.length > 0) {
    const fresh = await spec.getFreshOwner();
    if (fresh.metadata.uid === owner.metadata.uid && fresh.metadata.deletionTimestamp === undefined) {
      const ref = newControllerRef(owner, spec.ownerType);
      const adopted = await Promise.all(toAdopt.map((obj) => patch(obj, [...withoutRef(obj, owner.metadata.uid), ref])));
      for (const obj of adopted) if (obj !== undefined) claimed.push(obj);
    }
  }
  return claimed;
}
