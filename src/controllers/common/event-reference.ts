/** The involvedObject of an Event about an object a controller reconciles. */
import type { KubeObject } from '../../api/meta/types.ts';
import { apiVersionOf, type ResourceType } from '../../api/resource-type.ts';
import { referenceTo, type ObjectReference } from '../../client/index.ts';

/** A reference to `obj` of `type` (cached objects may lack kind and apiVersion). */
export function eventRef(obj: KubeObject, type: ResourceType): ObjectReference {
  return referenceTo(obj, type.kind, apiVersionOf(type));
}
