/**
 * Informer indexes the controllers share, added once per shared informer whichever controller
 * asks first.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { IndexFunc, Informer } from '../../client/index.ts';
import { controllerRef } from './owner-refs.ts';

/** Objects by the uid of their controller (none for orphans). */
export const CONTROLLER_UID_INDEX = 'byControllerUid';
/** Objects by the uid of each owner, controller or not. */
export const OWNER_UID_INDEX = 'byOwnerUid';
/** Pods by `spec.nodeName` ('' for unscheduled pods). */
export const NODE_NAME_INDEX = 'byNodeName';

const INDEX_FUNCS: Readonly<Record<string, IndexFunc<KubeObject>>> = {
  [CONTROLLER_UID_INDEX]: (obj) => {
    const ref = controllerRef(obj);
    return ref === undefined ? [] : [ref.uid];
  },
  [OWNER_UID_INDEX]: (obj) => (obj.metadata.ownerReferences ?? []).map((r) => r.uid),
  [NODE_NAME_INDEX]: (obj) => [typeof obj.spec?.nodeName === 'string' ? obj.spec.nodeName : ''],
};

/** Adds the named shared index to `informer` unless it is there already. */
export function ensureIndex(informer: Informer<KubeObject>, name: string): void {
  const fn = INDEX_FUNCS[name];
  if (fn === undefined) throw new Error(`Cannot add index "${name}": no such shared index`);
  if (!informer.hasIndexer(name)) informer.addIndexers({ [name]: fn });
}
