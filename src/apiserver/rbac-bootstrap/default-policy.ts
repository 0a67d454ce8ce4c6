/**
 * The default RBAC policy every cluster starts with: the ClusterRoles of aggregated-roles.ts,
 * system-roles.ts and component-roles.ts, and the ClusterRoleBindings granting them. Every
 * apiserver puts it in place at start-up (ensure-default-policy.ts). The names, subjects and
 * meanings follow upstream Kubernetes, so manifests and tools that expect them work.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { AGGREGATED_ROLES } from './aggregated-roles.ts';
import { COMPONENT_ROLES } from './component-roles.ts';
import { clusterRoleBinding, group, user } from './policy-builders.ts';
import { SYSTEM_ROLES } from './system-roles.ts';

/** Every default ClusterRole. */
export const DEFAULT_CLUSTER_ROLES: readonly KubeObject[] = [...SYSTEM_ROLES, ...AGGREGATED_ROLES, ...COMPONENT_ROLES];

const AUTHENTICATED = group('system:authenticated');

/** Every default ClusterRoleBinding; each is named after the role it grants. */
export const DEFAULT_CLUSTER_ROLE_BINDINGS: readonly KubeObject[] = [
  clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')]),
  clusterRoleBinding('system:discovery', 'system:discovery', [AUTHENTICATED]),
  clusterRoleBinding('system:basic-user', 'system:basic-user', [AUTHENTICATED]),
  clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [AUTHENTICATED, group('system:unauthenticated')]),
  clusterRoleBinding('system:monitoring', 'system:monitoring', [group('system:monitoring')]),
  // Upstream binds system:node to nobody and lets the Node authorizer confine each kubelet to
  // its own Node, its pods and what they mount. k8ts has no Node authorizer, so every node
  // gets the role through its group, as clusters did before the Node authorizer existed.
  clusterRoleBinding('system:node', 'system:node', [group('system:nodes')]),
  // kube-proxy runs inside each node's agent, under the node's identity.
  clusterRoleBinding('system:node-proxier', 'system:node-proxier', [group('system:nodes'), user('system:kube-proxy')]),
  clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
];
