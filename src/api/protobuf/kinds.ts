/**
 * The kinds k8ts accepts as protobuf request bodies, by `apiVersion` and `kind`: what kubectl's
 * typed clients send protobuf for (`kubectl create <generator>`, `kubectl autoscale`, `run`-like pod creates,
 * `auth can-i|whoami`, `create token`, the DELETEs and evictions of `kubectl drain`) among the kinds k8ts serves.
 */
import type { MessageDescriptor } from './descriptor.ts';
import { deployment } from './messages/apps-v1.ts';
import { horizontalPodAutoscaler } from './messages/autoscaling-v1.ts';
import { selfSubjectReview, tokenRequest } from './messages/authentication-v1.ts';
import { localSubjectAccessReview, selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview } from './messages/authorization-v1.ts';
import { cronJob, job } from './messages/batch-v1.ts';
import { configMap, namespace, secret, service, serviceAccount } from './messages/core-v1-objects.ts';
import { resourceQuota } from './messages/core-v1-quota.ts';
import { pod } from './messages/core-v1-pod.ts';
import { deleteOptions } from './messages/meta-v1.ts';
import { eviction, podDisruptionBudget } from './messages/policy-v1.ts';
import { ingress } from './messages/networking-v1.ts';
import { clusterRole, clusterRoleBinding, role, roleBinding } from './messages/rbac-v1.ts';
import { priorityClass } from './messages/scheduling-v1.ts';

function key(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

const RBAC = 'rbac.authorization.k8s.io/v1';
const AUTHZ = 'authorization.k8s.io/v1';

const KINDS: ReadonlyMap<string, MessageDescriptor> = new Map([
  [key('v1', 'Namespace'), namespace],
  [key('v1', 'Pod'), pod],
  [key('v1', 'ConfigMap'), configMap],
  [key('v1', 'Secret'), secret],
  [key('v1', 'Service'), service],
  [key('v1', 'ServiceAccount'), serviceAccount],
  [key('v1', 'ResourceQuota'), resourceQuota],
  [key('apps/v1', 'Deployment'), deployment],
  [key('batch/v1', 'Job'), job],
  [key('batch/v1', 'CronJob'), cronJob],
  [key('policy/v1', 'PodDisruptionBudget'), podDisruptionBudget],
  [key('policy/v1', 'Eviction'), eviction],
  [key('autoscaling/v1', 'HorizontalPodAutoscaler'), horizontalPodAutoscaler],
  [key('networking.k8s.io/v1', 'Ingress'), ingress],
  [key('scheduling.k8s.io/v1', 'PriorityClass'), priorityClass],
  [key(RBAC, 'Role'), role],
  [key(RBAC, 'ClusterRole'), clusterRole],
  [key(RBAC, 'RoleBinding'), roleBinding],
  [key(RBAC, 'ClusterRoleBinding'), clusterRoleBinding],
  [key(AUTHZ, 'SelfSubjectAccessReview'), selfSubjectAccessReview],
  [key(AUTHZ, 'SubjectAccessReview'), subjectAccessReview],
  [key(AUTHZ, 'LocalSubjectAccessReview'), localSubjectAccessReview],
  [key(AUTHZ, 'SelfSubjectRulesReview'), selfSubjectRulesReview],
  [key('authentication.k8s.io/v1', 'SelfSubjectReview'), selfSubjectReview],
  [key('authentication.k8s.io/v1', 'TokenRequest'), tokenRequest],
]);

/** The message descriptor of a kind, or undefined when k8ts does not decode it from protobuf. */
export function protobufDescriptorFor(apiVersion: string, kind: string): MessageDescriptor | undefined {
  // DeleteOptions is registered in every group's version: a DELETE names the resource's.
  if (kind === 'DeleteOptions') return deleteOptions;
  return KINDS.get(key(apiVersion, kind));
}

/** Every kind accepted as protobuf, as `apiVersion/Kind` (for messages and tests). */
export function protobufKinds(): string[] {
  return [...KINDS.keys(), '<any group version>/DeleteOptions'];
}
