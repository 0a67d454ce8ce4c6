/**
 * How a Deployment relates to its ReplicaSets: which one is "new" (its template equals the
 * deployment's, ignoring the `pod-template-hash` label), which are old, their revisions, and
 * the annotations the controller keeps on them (revision, desired and max replicas, and the
 * deployment's own annotations such as `kubernetes.io/change-cause`, which `kubectl rollout
 * history` shows).
 */
import { isObject } from '../../api/meta/shape.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { deploymentType } from '../../api/apps/v1/deployment.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import { resolveFenceposts } from '../common/int-or-percent.ts';
import { newControllerRef } from '../common/owner-refs.ts';
import { templateHash } from '../common/template-hash.ts';
import { parseTime } from '../common/time.ts';

/** The label (and selector term) that tells the ReplicaSets of one deployment apart. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';

/** Annotations that describe the ReplicaSet itself and are never copied between the two. */
const NOT_COPIED = new Set([LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, ROLLBACK_TO_ANNOTATION]);

/** spec.replicas (1 when unset, as the API defaults it). */
export function specReplicas(obj: KubeObject | undefined): number {
  if (obj === undefined) return 0;
  return isObject(obj.spec) && typeof obj.spec.replicas === 'number' ? obj.spec.replicas : 1;
}

/** A count from status (0 when unset). */
export function statusCount(obj: KubeObject | undefined, field: string): number {
  const v: unknown = obj !== undefined && isObject(obj.status) ? obj.status[field] : undefined;
  return typeof v === 'number' ? v : 0;
}

/** Sum of `count` over `sets`. */
export function sum(sets: readonly (KubeObject | undefined)[], count: (rs: KubeObject | undefined) => number): number {
  return sets.reduce((n, rs) => n + count(rs), 0);
}

export function isRollingUpdate(d: KubeObject): boolean {
  return d.spec?.strategy?.type !== 'Recreate';
}

/** maxSurge of the deployment resolved against its replicas (0 for Recreate). */
export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge ?? '25%', ru.maxUnavailable ?? '25%', specReplicas(d)).surge;
}

/** maxUnavailable of the deployment resolved against its replicas, never above them (0 for Recreate). */
export function maxUnavailable(d: KubeObject): number {
  const replicas = specReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return Math.min(replicas, resolveFenceposts(ru.maxSurge ?? '25%', ru.maxUnavailable ?? '25%', replicas).unavailable);
}

/** A JSON value with nulls, empty objects and empty arrays removed (Go's semantic equality treats them as absent). */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(normalized);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const n = normalized(v);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value === null ? undefined : value;
}

function withoutHashLabel(template: unknown): unknown {
  if (!isObject(template)) return template;
  const metadata = isObject(template.metadata) ? template.metadata : {};
  const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...labels } = isObject(metadata.labels) ? (metadata.labels as Record<string, string>) : {};
  return { ...template, metadata: { ...metadata, labels } };
}

/** Whether two pod templates are equal apart from their `pod-template-hash` label. */
export function templatesEqualIgnoringHash(a: unknown, b: unknown): boolean {
  return deepEqual(normalized(withoutHashLabel(a)), normalized(withoutHashLabel(b)));
}

/** Oldest first (by creation time, then name). */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return (parseTime(a.metadata.creationTimestamp) ?? 0) - (parseTime(b.metadata.creationTimestamp) ?? 0) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** The revision number of a ReplicaSet (or deployment); 0 when unset or unreadable. */
export function revisionOf(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : 0;
}

/** The new ReplicaSet (oldest whose template matches the deployment's) and all the others. */
export function splitReplicaSets(d: KubeObject, sets: readonly KubeObject[]): { newRS: KubeObject | undefined; oldRSs: KubeObject[] } {
  const sorted = [...sets].sort(byCreation);
  const newRS = sorted.find((rs) => templatesEqualIgnoringHash(rs.spec?.template, d.spec?.template));
  return { newRS, oldRSs: sorted.filter((rs) => rs !== newRS) };
}

/** ReplicaSets that still want pods. */
export function active(sets: readonly (KubeObject | undefined)[]): KubeObject[] {
  return sets.filter((rs): rs is KubeObject => rs !== undefined && specReplicas(rs) > 0);
}

/** The desired-replicas and max-replicas annotations for the deployment's current size. */
export function replicasAnnotations(d: KubeObject): Record<string, string> {
  return { [DESIRED_REPLICAS_ANNOTATION]: String(specReplicas(d)), [MAX_REPLICAS_ANNOTATION]: String(specReplicas(d) + maxSurge(d)) };
}

/**
 * The annotations a deployment's new ReplicaSet should carry: the deployment's own (those that
 * are copied), the new revision unless it already has a higher one, and the revisions it
 * served before when it is being reused (a rollback). `creating` adds the replicas annotations.
 */
export function newReplicaSetAnnotations(d: KubeObject, rs: KubeObject | undefined, newRevision: number, creating: boolean): Record<string, string> {
  const current = { ...rs?.metadata.annotations };
  const out = { ...current };
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
  const oldRevision = current[REVISION_ANNOTATION];
  const oldNumber = oldRevision !== undefined && /^\d+$/.test(oldRevision) ? Number(oldRevision) : undefined;
  if (oldNumber === undefined || oldNumber < newRevision) {
    out[REVISION_ANNOTATION] = String(newRevision);
    if (oldRevision !== undefined) {
      const history = current[REVISION_HISTORY_ANNOTATION];
      out[REVISION_HISTORY_ANNOTATION] = history === undefined || history === '' ? oldRevision : `${history},${oldRevision}`;
    }
  }
  if (creating) Object.assign(out, replicasAnnotations(d));
  return out;
}

/** The ReplicaSet a deployment creates for its current template (not yet sized). */
export function newReplicaSetFor(d: KubeObject, replicas: number, revision: number): KubeObject {
  const collisionCount = typeof d.status?.collisionCount === 'number' ? d.status.collisionCount : undefined;
  const template = structuredClone(d.spec?.template ?? {});
  const hash = templateHash(template, collisionCount);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      ownerReferences: [newControllerRef(d, deploymentType)],
    },
    spec: { replicas, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
  rs.metadata.annotations = newReplicaSetAnnotations(d, undefined, revision, true);
  return rs;
}

/**
 * Whether the deployment was resized rather than changed: an active ReplicaSet records a
 * different desired size than the deployment now has.
 */
export function isScalingEvent(d: KubeObject, sets: readonly (KubeObject | undefined)[]): boolean {
  return active(sets).some((rs) => {
    const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
    return desired !== undefined && /^\d+$/.test(desired) && Number(desired) !== specReplicas(d);
  });
}
