/**
 * ControllerRevisions of StatefulSets and DaemonSets: each holds a snapshot of the pod template
 * as the patch `{"spec":{"template":{…,"$patch":"replace"}}}` (what `kubectl rollout undo`
 * applies to roll back), numbered by `revision`. The revision for a template is found by its
 * content, and created (named `<owner>-<hash>`, labelled like the pods plus
 * `controller.kubernetes.io/hash`) when there is none; reusing an old one bumps its number to
 * the newest. Beyond `revisionHistoryLimit`, the oldest revisions no pod uses are deleted.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import type { Informer, ResourceClient } from '../../client/index.ts';
import { isAlreadyExists, isNotFound } from '../../client/index.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import { CONTROLLER_UID_INDEX } from './indexes.ts';
import { newControllerRef } from './owner-refs.ts';
import { templateParts } from './pod-template.ts';
import { templateHash } from './template-hash.ts';

/** The label naming the revision a pod was made from. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

/** The snapshot a revision stores for an owner's current template. */
export function revisionData(owner: KubeObject): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(owner.spec?.template ?? {}), $patch: 'replace' } } };
}

/** The pod template a revision restores. */
export function revisionTemplate(revision: KubeObject): Record<string, unknown> {
  const { $patch: _patch, ...template } = ((revision.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template ?? {});
  return template;
}

export function revisionNumber(revision: KubeObject): number {
  return typeof revision.revision === 'number' ? revision.revision : 0;
}

/** Everything revision handling needs of its controller. */
export interface RevisionDeps {
  readonly ownerType: ResourceType;
  readonly informer: Informer<KubeObject>;
  readonly client: ResourceClient;
  /** Told the resourceVersion of each revision write (for WriteExpectations). */
  readonly onWrite: (resourceVersion: string | undefined) => void;
  readonly signal: AbortSignal;
}

/** The owner's revisions, oldest number first. */
export function revisionsOf(owner: KubeObject, informer: Informer<KubeObject>): KubeObject[] {
  return informer.store
    .byIndex(CONTROLLER_UID_INDEX, owner.metadata.uid ?? '')
    .filter((r) => r.metadata.deletionTimestamp === undefined)
    .sort((a, b) => revisionNumber(a) - revisionNumber(b));
}

/**
 * The revision of the owner's current template among `revisions`, found or created.
 * @throws RevisionCollisionError when its name is taken by a revision of other content
 */
export async function updateRevision(owner: KubeObject, revisions: readonly KubeObject[], deps: RevisionDeps): Promise<KubeObject> {
  const data = revisionData(owner);
  const newest = revisions.reduce((n, r) => Math.max(n, revisionNumber(r)), 0);
  const equal = revisions.find((r) => deepEqual(r.data, data));
  if (equal !== undefined) {
    if (revisionNumber(equal) === newest) return equal;
    const bumped = await deps.client.update({ ...equal, revision: newest + 1 }, { signal: deps.signal });
    deps.onWrite(bumped.metadata.resourceVersion);
    return bumped;
  }
  const collisionCount = typeof owner.status?.collisionCount === 'number' ? owner.status.collisionCount : 0;
  const hash = templateHash(data, collisionCount);
  const labels = (templateParts(owner.spec?.template).metadata.labels ?? {}) as Record<string, string>;
  const revision: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name: `${owner.metadata.name}-${hash}`, namespace: owner.metadata.namespace, labels: { ...labels, [REVISION_HASH_LABEL]: hash }, ownerReferences: [newControllerRef(owner, deps.ownerType)] },
    data,
    revision: newest + 1,
  };
  try {
    const created = await deps.client.create(revision, { signal: deps.signal });
    deps.onWrite(created.metadata.resourceVersion);
    return created;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const existing = await deps.client.get(revision.metadata.name ?? '', { namespace: owner.metadata.namespace, signal: deps.signal });
    if (deepEqual(existing.data, data) && existing.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid)) return existing;
    throw new RevisionCollisionError(revision.metadata.name ?? '', collisionCount + 1);
  }
}

/** A revision name is taken by other content: the owner's collisionCount must go up to `next`. */
export class RevisionCollisionError extends Error {
  override name = 'RevisionCollisionError';
  readonly next: number;

  constructor(revisionName: string, next: number) {
    super(`ControllerRevision ${revisionName} exists with other content; retrying with collisionCount ${next}`);
    this.next = next;
  }
}

/** Deletes the oldest revisions beyond the owner's revisionHistoryLimit that are not in `live`. */
export async function pruneRevisions(owner: KubeObject, revisions: readonly KubeObject[], live: ReadonlySet<string>, deps: RevisionDeps): Promise<void> {
  const limit = typeof owner.spec?.revisionHistoryLimit === 'number' ? owner.spec.revisionHistoryLimit : 10;
  const history = revisions.filter((r) => !live.has(r.metadata.name ?? ''));
  for (const r of history.slice(0, Math.max(0, history.length - limit))) {
    try {
      const gone = await deps.client.delete(r.metadata.name ?? '', { namespace: r.metadata.namespace, preconditions: { uid: r.metadata.uid }, signal: deps.signal });
      deps.onWrite(gone.metadata.resourceVersion);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
