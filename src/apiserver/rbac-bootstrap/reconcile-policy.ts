/**
 * How a stored default object is brought back in line with its default, as upstream's
 * auto-update at start-up does: what the default has and the object lacks is added, and nothing
 * the object has is taken away, so a cluster's own additions (an extra rule, subject, label or
 * selector) survive every restart. An object annotated `rbac.authorization.kubernetes.io/autoupdate:
 * "false"` is left exactly as it is.
 */
import { asArray, isObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { withMissing, withMissingRules } from '../../api/rbac/v1/policy-rule.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import { AUTOUPDATE_ANNOTATION } from './policy-builders.ts';

/** Whether the object's owner has turned auto-update off for it. */
export function autoupdateDisabled(obj: KubeObject): boolean {
  return obj.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false';
}

/** The object's labels and annotations with the default's added where it has no value of its own. */
function withDefaultMetadata(current: KubeObject, wanted: KubeObject): KubeObject['metadata'] {
  return {
    ...current.metadata,
    labels: { ...wanted.metadata.labels, ...current.metadata.labels },
    annotations: { ...wanted.metadata.annotations, ...current.metadata.annotations },
  };
}

/**
 * The stored ClusterRole `current` with what its default `wanted` adds. The rules of an
 * aggregated role belong to the aggregation controller, so for one only its selectors are
 * completed; any other role gets the default rules it lacks.
 */
export function reconcileClusterRole(current: KubeObject, wanted: KubeObject): KubeObject {
  if (autoupdateDisabled(current)) return current;
  const metadata = withDefaultMetadata(current, wanted);
  if (isObject(wanted.aggregationRule)) {
    const rule = isObject(current.aggregationRule) ? current.aggregationRule : {};
    const selectors = withMissing(asArray(rule.clusterRoleSelectors), asArray(wanted.aggregationRule.clusterRoleSelectors));
    return { ...current, metadata, aggregationRule: { ...rule, clusterRoleSelectors: selectors } };
  }
  return { ...current, metadata, rules: withMissingRules(asArray(current.rules), asArray(wanted.rules)) };
}

/**
 * Whether the stored binding grants another role than its default. A role reference cannot
 * change, so such a binding (unless auto-update is off) is deleted and created again.
 */
export function bindingNeedsRecreate(current: KubeObject, wanted: KubeObject): boolean {
  return !autoupdateDisabled(current) && !deepEqual(current.roleRef, wanted.roleRef);
}

/** The stored ClusterRoleBinding `current` with the default subjects it lacks. */
export function reconcileClusterRoleBinding(current: KubeObject, wanted: KubeObject): KubeObject {
  if (autoupdateDisabled(current)) return current;
  return { ...current, metadata: withDefaultMetadata(current, wanted), subjects: withMissing(asArray(current.subjects), asArray(wanted.subjects)) };
}
