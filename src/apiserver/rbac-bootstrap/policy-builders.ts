/**
 * The vocabulary the default RBAC policy is written in: rules, ClusterRoles (plain or
 * aggregated), ClusterRoleBindings and their subjects, every object marked as a bootstrapped
 * default that start-up may update (the label and annotation below, as upstream).
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { RBAC_GROUP } from '../../api/rbac/v1/rbac-types.ts';
import type { PolicyRule } from '../../api/rbac/v1/policy-rule.ts';

/** The label every default object carries, with the value {@link BOOTSTRAPPING_VALUE}. */
export const BOOTSTRAPPING_LABEL = 'kubernetes.io/bootstrapping';
export const BOOTSTRAPPING_VALUE = 'rbac-defaults';
/**
 * Set to `"false"` on a default object, it keeps start-up from touching that object: its
 * owner has taken it over. Any other value (the defaults carry `"true"`) lets start-up add back
 * what the default has and the object lacks.
 */
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

/** The label prefix of the aggregated roles' selectors: `<prefix>admin`, `…edit`, `…view`. */
export const AGGREGATE_TO_LABEL_PREFIX = 'rbac.authorization.k8s.io/aggregate-to-';

/** Every verb that only reads objects of a resource. */
export const READ_VERBS = ['get', 'list', 'watch'] as const;
/** Every verb that changes objects of a resource (the write verbs of a collection). */
export const WRITE_VERBS = ['create', 'delete', 'deletecollection', 'patch', 'update'] as const;

/** `verbs` on `resources` of the API group `group` (`''`: the core group). */
export function rule(verbs: readonly string[], group: string, resources: readonly string[]): PolicyRule {
  return { verbs: [...verbs], apiGroups: [group], resources: [...resources] };
}

/** Like {@link rule}, restricted to the objects named `names`. */
export function namedRule(verbs: readonly string[], group: string, resources: readonly string[], names: readonly string[]): PolicyRule {
  return { ...rule(verbs, group, resources), resourceNames: [...names] };
}

/** `verbs` on the non-resource URLs `urls` (a trailing `*` matches any rest of the path). */
export function urlRule(verbs: readonly string[], urls: readonly string[]): PolicyRule {
  return { verbs: [...verbs], nonResourceURLs: [...urls] };
}

function defaultMetadata(name: string, labels: Readonly<Record<string, string>> = {}): KubeObject['metadata'] {
  return {
    name,
    labels: { [BOOTSTRAPPING_LABEL]: BOOTSTRAPPING_VALUE, ...labels },
    annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
  };
}

/** A default ClusterRole granting `rules`, with extra `labels` (an aggregate-to label, say). */
export function clusterRole(name: string, rules: readonly PolicyRule[], labels?: Readonly<Record<string, string>>): KubeObject {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: defaultMetadata(name, labels), rules: [...rules] };
}

/**
 * A default ClusterRole whose rules the aggregation controller fills from the ClusterRoles
 * labelled `<AGGREGATE_TO_LABEL_PREFIX><aggregateTo>: "true"`.
 */
export function aggregatedClusterRole(name: string, aggregateTo: string, labels?: Readonly<Record<string, string>>): KubeObject {
  return {
    ...clusterRole(name, [], labels),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [aggregateToLabel(aggregateTo)]: 'true' } }] },
  };
}

/** The label that makes a ClusterRole part of the aggregated role `aggregateTo` (`admin`, `edit`, `view`). */
export function aggregateToLabel(aggregateTo: string): string {
  return `${AGGREGATE_TO_LABEL_PREFIX}${aggregateTo}`;
}

/** A User or Group subject of a binding (the defaults bind no service accounts). */
export interface Subject {
  readonly kind: 'User' | 'Group';
  readonly apiGroup: string;
  readonly name: string;
}

/** The Group subject `name` (`system:masters`, `system:authenticated`, …). */
export const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
/** The User subject `name` (`system:kube-scheduler`, …). */
export const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });

/** A default ClusterRoleBinding named `name` of the ClusterRole `role` to `subjects`. */
export function clusterRoleBinding(name: string, role: string, subjects: readonly Subject[]): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: defaultMetadata(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
    subjects: subjects.map((s) => ({ ...s })),
  };
}
