/** ObjectMeta validation for the generic store, with each kind's name rule from its strategy. */
import type { FieldError, KubeObject } from '../../api/meta/types.ts';
import { validateObjectMeta, validateObjectMetaUpdate as validateMetaUpdate } from '../../api/validation/object-meta.ts';
import type { ResourceStrategy } from './strategy.ts';

export function validateNewObjectMeta(strategy: ResourceStrategy, obj: KubeObject): FieldError[] {
  return validateObjectMeta(obj.metadata, { namespaced: strategy.type.namespaced, nameValidator: strategy.nameValidator });
}

export function validateObjectMetaUpdate(strategy: ResourceStrategy, obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateObjectMeta(obj.metadata, { namespaced: strategy.type.namespaced, nameValidator: strategy.nameValidator }),
    ...validateMetaUpdate(obj.metadata, old.metadata),
  ];
}
