/**
 * What an aggregated ClusterRole's rules must be: the union of the rules of every other
 * ClusterRole that one of its `aggregationRule.clusterRoleSelectors` selects, taken from the
 * selected roles in name order, each role's rules in their order, a rule already taken not
 * taken again. Pure functions over cached objects; the controller decides when to write.
 */
import { labelSelectorMatches, SelectorParseError, type LabelSelector } from '../../api/labels/index.ts';
import { asArray, isObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { withMissingRules } from '../../api/rbac/v1/policy-rule.ts';

/** The role's selectors, or undefined when it is not aggregated (no aggregationRule). */
export function clusterRoleSelectors(role: KubeObject): LabelSelector[] | undefined {
  if (!isObject(role.aggregationRule)) return undefined;
  return asArray(role.aggregationRule.clusterRoleSelectors).filter(isObject);
}

/**
 * Whether the aggregated role `aggregator` takes the rules of `role`. A role never aggregates
 * itself, and a selector the apiserver should have refused selects nothing.
 */
export function aggregates(aggregator: KubeObject, role: KubeObject): boolean {
  if (aggregator.metadata.name === role.metadata.name) return false;
  return (clusterRoleSelectors(aggregator) ?? []).some((selector) => {
    try {
      return labelSelectorMatches(selector, role.metadata.labels);
    } catch (err) {
      if (err instanceof SelectorParseError) return false;
      throw err;
    }
  });
}

/** The rules `aggregator` must have, given every ClusterRole there is (see the file comment). */
export function aggregatedRules(aggregator: KubeObject, roles: readonly KubeObject[]): unknown[] {
  const name = (role: KubeObject): string => role.metadata.name ?? '';
  // By code point, as upstream orders names: the same order whatever the process's locale.
  const sources = roles.filter((role) => aggregates(aggregator, role)).sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  return sources.reduce<unknown[]>((rules, source) => withMissingRules(rules, asArray(source.rules)), []);
}
