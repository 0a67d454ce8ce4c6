/**
 * The review kinds of authorization.k8s.io/v1 and authentication.k8s.io/v1: create-only
 * resources a client sends a question to (may I? what may I? who am I?) and gets the answer back
 * in `status`. Here: their types and the validation of the question.
 */
import { isObject, str } from '../../meta/shape.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { invalid, required } from '../../validation/field-errors.ts';

function reviewType(group: string, kind: string, namespaced = false): ResourceType {
  const singular = kind.toLowerCase();
  return { group, version: 'v1', kind, resource: `${singular}s`, singular, listKind: `${kind}List`, namespaced, shortNames: [], categories: [] };
}

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';
export const AUTHENTICATION_GROUP = 'authentication.k8s.io';

export const selfSubjectAccessReviewType: ResourceType = reviewType(AUTHORIZATION_GROUP, 'SelfSubjectAccessReview');
export const subjectAccessReviewType: ResourceType = reviewType(AUTHORIZATION_GROUP, 'SubjectAccessReview');
export const localSubjectAccessReviewType: ResourceType = reviewType(AUTHORIZATION_GROUP, 'LocalSubjectAccessReview', true);
export const selfSubjectRulesReviewType: ResourceType = reviewType(AUTHORIZATION_GROUP, 'SelfSubjectRulesReview');
export const selfSubjectReviewType: ResourceType = reviewType(AUTHENTICATION_GROUP, 'SelfSubjectReview');

/** Exactly one of `spec.resourceAttributes` and `spec.nonResourceAttributes`. */
export function validateAccessReviewSpec(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const hasResource = isObject(spec.resourceAttributes);
  const hasNonResource = isObject(spec.nonResourceAttributes);
  if (!hasResource && !hasNonResource) {
    return [invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  if (hasResource && hasNonResource) {
    return [invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
  }
  return [];
}

/** A SubjectAccessReview also names whom it asks about. */
export function validateSubjectAccessReview(obj: KubeObject): FieldError[] {
  const errs = validateAccessReviewSpec(obj);
  const spec = isObject(obj.spec) ? obj.spec : {};
  if (str(spec.user) === '' && (!Array.isArray(spec.groups) || spec.groups.length === 0)) {
    errs.push(invalid('spec.user', str(spec.user), 'at least one of user or group must be specified'));
  }
  return errs;
}

/** A LocalSubjectAccessReview asks about resources of its own namespace only. */
export function validateLocalSubjectAccessReview(obj: KubeObject, namespace: string): FieldError[] {
  const errs = validateSubjectAccessReview(obj);
  const spec = isObject(obj.spec) ? obj.spec : {};
  if (isObject(spec.nonResourceAttributes)) errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
  const attrs = isObject(spec.resourceAttributes) ? spec.resourceAttributes : {};
  const ns = str(attrs.namespace);
  if (ns !== '' && ns !== namespace) errs.push(invalid('spec.resourceAttributes.namespace', ns, `must match the namespace of the request (${namespace})`));
  return errs;
}
