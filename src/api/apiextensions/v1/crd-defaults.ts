/**
 * Defaults of a CustomResourceDefinition (apiextensions.k8s.io/v1): the singular name is the
 * lower-cased kind, the list kind is `<Kind>List`, conversion is `None`, `served`/`storage`
 * flags a client left out are false, and the status keeps the versions objects were ever
 * stored in (`storedVersions` always holds the current storage version).
 */
import { isObject, type JsonObject } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';
import { storageVersionOf, type CustomResourceDefinition } from './types.ts';

export function defaultCrd(obj: KubeObject): void {
  if (!isObject(obj.spec)) return;
  const spec = obj.spec;
  if (isObject(spec['names'])) {
    const names = spec['names'];
    if ((names['singular'] === undefined || names['singular'] === '') && typeof names['kind'] === 'string') names['singular'] = names['kind'].toLowerCase();
    if ((names['listKind'] === undefined || names['listKind'] === '') && typeof names['kind'] === 'string' && names['kind'] !== '') {
      names['listKind'] = `${names['kind']}List`;
    }
  }
  if (spec['conversion'] === undefined || spec['conversion'] === null) spec['conversion'] = { strategy: 'None' };
  if (Array.isArray(spec['versions'])) {
    for (const v of spec['versions']) {
      if (!isObject(v)) continue;
      v['served'] ??= false;
      v['storage'] ??= false;
    }
  }
}

/**
 * Adds the current storage version to `status.storedVersions` (kept from `old` on updates), so
 * the list names every version objects may still be stored in.
 */
export function recordStoredVersion(obj: KubeObject, old: KubeObject | undefined): void {
  const crd = obj as CustomResourceDefinition;
  const storage = isObject(crd.spec) ? storageVersionOf(crd) : undefined;
  const previous = (old as CustomResourceDefinition | undefined)?.status?.storedVersions;
  const status: JsonObject = isObject(crd.status) ? crd.status : {};
  const stored = Array.isArray(status['storedVersions']) ? [...(status['storedVersions'] as string[])] : [...(previous ?? [])];
  if (storage !== undefined && !stored.includes(storage)) stored.push(storage);
  status['storedVersions'] = stored;
  obj.status = status;
}
