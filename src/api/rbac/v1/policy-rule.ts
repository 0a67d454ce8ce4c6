/**
 * PolicyRules as data, and the unions that never take anything away which the default-policy
 * bootstrap (adding the default rules, subjects and selectors an object lacks) and the
 * ClusterRole aggregation controller (the union of the aggregated roles' rules) share. Two rules are the same when every list holds the same
 * strings in the same order, an absent list counting as empty; this is a structural test, not
 * whether one rule's permissions cover another's.
 */
import { asArray, isObject } from '../../meta/shape.ts';
import { deepEqual } from '../../../util/deep-equal.ts';

/** One rule of a Role or ClusterRole: `verbs` on resources of API groups, or on non-resource URLs. */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

const RULE_LISTS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** Whether `a` and `b` are the same rule (see the file comment); anything not an object is no rule. */
export function samePolicyRule(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return false;
  return RULE_LISTS.every((list) => deepEqual(asArray(a[list]), asArray(b[list])));
}

/**
 * `items` followed by each of `wanted` that `same` finds neither among them nor earlier in
 * `wanted`, in `wanted`'s order; `items` itself is kept as it is, duplicates included. The
 * union of rules, subjects or selectors that never takes anything away.
 */
export function withMissing(items: readonly unknown[], wanted: readonly unknown[], same: (a: unknown, b: unknown) => boolean = deepEqual): unknown[] {
  const out = [...items];
  for (const w of wanted) if (!out.some((have) => same(have, w))) out.push(w);
  return out;
}

/** {@link withMissing} for rules, which are the same by {@link samePolicyRule}. */
export function withMissingRules(rules: readonly unknown[], wanted: readonly unknown[]): unknown[] {
  return withMissing(rules, wanted, samePolicyRule);
}
