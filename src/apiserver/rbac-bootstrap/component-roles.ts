/**
 * The default ClusterRoles of the cluster's own components: the kubelet (`system:node`),
 * kube-proxy (`system:node-proxier`) and the scheduler (`system:kube-scheduler`). Each grants
 * what the component reads and writes through the API, no more.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { PolicyRule } from '../../api/rbac/v1/policy-rule.ts';
import { clusterRole, namedRule, READ_VERBS, rule } from './policy-builders.ts';

const EVENT_VERBS = ['create', 'patch', 'update'];

/** Writing Events, in both groups that serve them. */
const EVENT_RULES: readonly PolicyRule[] = [rule(EVENT_VERBS, '', ['events']), rule(EVENT_VERBS, 'events.k8s.io', ['events'])];

const NODE_RULES: readonly PolicyRule[] = [
  // No delete: a kubelet never removes a Node, and without a Node authorizer it could remove any.
  rule(['create', 'get', 'list', 'patch', 'update', 'watch'], '', ['nodes']),
  rule(['patch', 'update'], '', ['nodes/status']),
  // Node heartbeats, in kube-node-lease.
  rule(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], 'coordination.k8s.io', ['leases']),
  // Static and mirror pods are created and deleted by the kubelet itself.
  rule(['create', 'delete', 'get', 'list', 'watch'], '', ['pods']),
  rule(['patch', 'update'], '', ['pods/status']),
  rule(['create'], '', ['pods/eviction']),
  ...EVENT_RULES,
  // What pods mount and resolve: volumes from ConfigMaps and Secrets, service environment variables.
  rule(READ_VERBS, '', ['configmaps', 'endpoints', 'secrets', 'services']),
  rule(['create'], '', ['serviceaccounts/token']),
  rule(['get'], '', ['persistentvolumeclaims', 'persistentvolumes']),
  rule(READ_VERBS, 'discovery.k8s.io', ['endpointslices']),
  // Authenticating and authorizing the callers of the kubelet's own HTTPS server.
  rule(['create'], 'authentication.k8s.io', ['tokenreviews']),
  rule(['create'], 'authorization.k8s.io', ['subjectaccessreviews']),
];

const NODE_PROXIER_RULES: readonly PolicyRule[] = [
  rule(READ_VERBS, '', ['endpoints', 'nodes', 'services']),
  rule(['list', 'watch'], 'discovery.k8s.io', ['endpointslices']),
  ...EVENT_RULES,
];

/** The Lease the schedulers elect their leader with (`kube-system/kube-scheduler`). */
const SCHEDULER_LEASE = 'kube-scheduler';

const SCHEDULER_RULES: readonly PolicyRule[] = [
  ...EVENT_RULES,
  rule(['create'], 'coordination.k8s.io', ['leases']),
  namedRule(['get', 'update'], 'coordination.k8s.io', ['leases'], [SCHEDULER_LEASE]),
  rule(READ_VERBS, '', ['nodes']),
  rule(['delete', 'get', 'list', 'watch'], '', ['pods']),
  rule(['create'], '', ['bindings', 'pods/binding']),
  rule(['patch', 'update'], '', ['pods/status']),
  rule(['list', 'watch'], '', ['namespaces', 'replicationcontrollers', 'services']),
  rule(['list', 'watch'], 'apps', ['replicasets', 'statefulsets']),
  rule(['list', 'watch'], 'policy', ['poddisruptionbudgets']),
  rule(READ_VERBS, '', ['persistentvolumeclaims', 'persistentvolumes']),
  rule(READ_VERBS, 'storage.k8s.io', ['csinodes', 'storageclasses']),
];

/** The roles of the file comment, in the order they are created. */
export const COMPONENT_ROLES: readonly KubeObject[] = [
  clusterRole('system:node', NODE_RULES),
  clusterRole('system:node-proxier', NODE_PROXIER_RULES),
  clusterRole('system:kube-scheduler', SCHEDULER_RULES),
];
