/**
 * Several authorizers asked in turn (kube-apiserver's `--authorization-mode=A,B`): the first
 * that allows or denies decides; when none has an opinion the request is refused. A rules
 * review gets every authorizer's rules together, each distinct rule once (a member of
 * system:masters holds `*` both as such and through the cluster-admin binding).
 */
import type { Authorizer } from './authorizer.ts';

function distinct<T>(rules: readonly T[]): T[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function unionAuthorizer(authorizers: readonly Authorizer[]): Authorizer {
  return {
    async authorize(attributes) {
      const reasons: string[] = [];
      for (const authorizer of authorizers) {
        const d = await authorizer.authorize(attributes);
        if (d.decision !== 'no-opinion') return d;
        if (d.reason !== '') reasons.push(d.reason);
      }
      return { decision: 'no-opinion', reason: reasons.join(', ') };
    },
    async rulesFor(user, namespace) {
      const results = await Promise.all(authorizers.map((a) => a.rulesFor(user, namespace)));
      const errors = results.map((r) => r.evaluationError).filter((e): e is string => e !== undefined && e !== '');
      return {
        resourceRules: distinct(results.flatMap((r) => r.resourceRules)),
        nonResourceRules: distinct(results.flatMap((r) => r.nonResourceRules)),
        incomplete: results.some((r) => r.incomplete),
        ...(errors.length === 0 ? {} : { evaluationError: errors.join(', ') }),
      };
    },
  };
}
