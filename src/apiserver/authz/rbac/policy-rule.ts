/**
 * RBAC rules as the authorizer evaluates them: a stored PolicyRule read into a shape whose
 * lists are always arrays of strings, and the match of one rule against a request's
 * attributes, with the semantics of Kubernetes' RBAC: `*` matches any verb, group, resource or
 * URL; `*\/<sub>` matches that subresource of any resource; an empty resourceNames list matches
 * every name; a non-resource URL ending in `*` matches every path with that prefix.
 */
import type { PolicyRule } from '../../../api/rbac/v1/policy-rule.ts';
import type { AuthorizationAttributes } from '../authorizer.ts';

export const ALL = '*';

/** A rule as the authorizer reads it: every list present (absent or wrongly typed ones are empty). */
export type ReadRule = Required<PolicyRule>;

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A stored rule as the authorizer reads it (wrongly typed parts count as empty). */
export function readPolicyRule(value: unknown): ReadRule {
  const rule = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return {
    verbs: stringList(rule.verbs),
    apiGroups: stringList(rule.apiGroups),
    resources: stringList(rule.resources),
    resourceNames: stringList(rule.resourceNames),
    nonResourceURLs: stringList(rule.nonResourceURLs),
  };
}

/** The rules of a stored Role or ClusterRole. */
export function readPolicyRules(value: unknown): ReadRule[] {
  return Array.isArray(value) ? value.map(readPolicyRule) : [];
}

function matchesOrAll(list: readonly string[], value: string): boolean {
  return list.includes(ALL) || list.includes(value);
}

/** Whether one of the rule's resources names `resource` (with `subresource`, '' for the main resource). */
export function resourceMatches(resources: readonly string[], resource: string, subresource: string): boolean {
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  for (const r of resources) {
    if (r === ALL || r === combined) return true;
    if (subresource !== '' && r === `*/${subresource}`) return true;
  }
  return false;
}

/** Whether one of the rule's URLs covers `path` (exactly, or by a trailing `*` prefix). */
export function nonResourceUrlMatches(urls: readonly string[], path: string): boolean {
  for (const url of urls) {
    if (url === ALL || url === path) return true;
    if (url.endsWith(ALL) && path.startsWith(url.slice(0, -1))) return true;
  }
  return false;
}

/** Whether `rule` grants the request described by `a`. */
export function ruleAllows(rule: ReadRule, a: AuthorizationAttributes): boolean {
  if (!matchesOrAll(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return nonResourceUrlMatches(rule.nonResourceURLs, a.path);
  return (
    matchesOrAll(rule.apiGroups, a.apiGroup) &&
    resourceMatches(rule.resources, a.resource, a.subresource) &&
    (rule.resourceNames.length === 0 || rule.resourceNames.includes(a.name))
  );
}
