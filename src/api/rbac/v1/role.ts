/**
 * Roles and ClusterRoles: the rules they grant (verbs on resources of API groups, optionally
 * by name, or verbs on non-resource URLs for cluster roles only), and a cluster role's
 * aggregation rule. Their tables are the default NAME / CREATED AT, as upstream.
 */
import { asArray, isObject } from '../../meta/shape.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import { child, index, invalid, required } from '../../validation/field-errors.ts';
import { validateLabelSelector } from '../../validation/label-selector.ts';

function strings(v: unknown): unknown[] {
  return asArray(v);
}

/** One PolicyRule at `path`; `namespaced` rules (of a Role) cannot name non-resource URLs. */
export function validatePolicyRule(rule: unknown, namespaced: boolean, path: string): FieldError[] {
  if (!isObject(rule)) return [invalid(path, rule, 'must be an object')];
  const errs: FieldError[] = [];
  if (strings(rule.verbs).length === 0) errs.push(required(child(path, 'verbs'), 'verbs must contain at least one value'));
  const urls = strings(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(child(path, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (strings(rule.apiGroups).length > 0 || strings(rule.resources).length > 0 || strings(rule.resourceNames).length > 0) {
      errs.push(invalid(child(path, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (strings(rule.apiGroups).length === 0) errs.push(required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (strings(rule.resources).length === 0) errs.push(required(child(path, 'resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  return asArray(obj.rules).flatMap((rule, i) => validatePolicyRule(rule, namespaced, index('rules', i)));
}

export function validateRole(obj: KubeObject): FieldError[] {
  return validateRules(obj, true);
}

export function validateClusterRole(obj: KubeObject): FieldError[] {
  const errs = validateRules(obj, false);
  const aggregation: unknown = obj.aggregationRule;
  if (aggregation !== undefined && aggregation !== null) {
    const path = 'aggregationRule.clusterRoleSelectors';
    const selectors = isObject(aggregation) ? asArray(aggregation.clusterRoleSelectors) : [];
    if (selectors.length === 0) errs.push(required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, index(path, i))));
  }
  return errs;
}
