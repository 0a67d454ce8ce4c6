/**
 * Whether the rules a user holds cover the rules of a role they want to create or bind
 * (RBAC's escalation prevention). Each rule asked for is taken apart into single grants — one
 * verb on one resource of one group (and one name, when it names any), or one verb on one URL
 * — and each must be granted by some held rule. A `*` asked for is covered only by a `*` held.
 */
import type { NonResourceRule, ResourceRule, RulesResult } from '../authorizer.ts';
import { nonResourceUrlMatches, resourceMatches, type ReadRule } from './policy-rule.ts';

/** One verb on one resource (or URL): the unit coverage is decided in. */
interface Grant {
  readonly verb: string;
  readonly apiGroup: string;
  /** As a rule writes it: `pods`, `pods/log`, `*`, `*\/scale`. */
  readonly resource: string;
  /** undefined: every name. */
  readonly resourceName: string | undefined;
  /** Set for non-resource grants (and then the three fields above are ''/undefined). */
  readonly url: string | undefined;
}

function grantsOf(rule: ReadRule): Grant[] {
  const grants: Grant[] = [];
  for (const verb of rule.verbs) {
    for (const url of rule.nonResourceURLs) grants.push({ verb, apiGroup: '', resource: '', resourceName: undefined, url });
    for (const apiGroup of rule.apiGroups) {
      for (const resource of rule.resources) {
        const names = rule.resourceNames.length === 0 ? [undefined] : rule.resourceNames;
        for (const resourceName of names) grants.push({ verb, apiGroup, resource, resourceName, url: undefined });
      }
    }
  }
  return grants;
}

function listHas(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

function resourceRuleCovers(held: ResourceRule, g: Grant): boolean {
  if (!listHas(held.verbs, g.verb) || !listHas(held.apiGroups, g.apiGroup)) return false;
  const slash = g.resource.indexOf('/');
  const [resource, subresource] = slash < 0 ? [g.resource, ''] : [g.resource.slice(0, slash), g.resource.slice(slash + 1)];
  if (!resourceMatches(held.resources, resource, subresource)) return false;
  return held.resourceNames.length === 0 || (g.resourceName !== undefined && held.resourceNames.includes(g.resourceName));
}

function nonResourceRuleCovers(held: NonResourceRule, g: Grant & { url: string }): boolean {
  return listHas(held.verbs, g.verb) && nonResourceUrlMatches(held.nonResourceURLs, g.url);
}

function covered(held: RulesResult, g: Grant): boolean {
  const url = g.url;
  if (url !== undefined) return held.nonResourceRules.some((r) => nonResourceRuleCovers(r, { ...g, url }));
  return held.resourceRules.some((r) => resourceRuleCovers(r, g));
}

/**
 * What of `wanted` the `held` rules do not grant, as upstream prints it (one line per group,
 * resource and name, with its verbs): empty when everything is covered.
 */
export function uncoveredRules(held: RulesResult, wanted: readonly ReadRule[]): string[] {
  const verbsByTarget = new Map<string, string[]>();
  for (const g of wanted.flatMap(grantsOf)) {
    if (covered(held, g)) continue;
    const target =
      g.url !== undefined
        ? `NonResourceURLs:[${JSON.stringify(g.url)}]`
        : `APIGroups:[${JSON.stringify(g.apiGroup)}], Resources:[${JSON.stringify(g.resource)}]${g.resourceName === undefined ? '' : `, ResourceNames:[${JSON.stringify(g.resourceName)}]`}`;
    const verbs = verbsByTarget.get(target);
    if (verbs === undefined) verbsByTarget.set(target, [g.verb]);
    else if (!verbs.includes(g.verb)) verbs.push(g.verb);
  }
  return [...verbsByTarget].map(([target, verbs]) => `{${target}, Verbs:[${verbs.map((v) => JSON.stringify(v)).join(' ')}]}`);
}
