/**
 * The user-facing roles `view`, `edit` and `admin`, meant to be granted within a namespace by a
 * RoleBinding. Each is aggregated: its rules are the union the ClusterRole aggregation
 * controller computes from the ClusterRoles labelled `rbac.authorization.k8s.io/aggregate-to-<role>`,
 * so a cluster extends them (for its custom resources) by labelling a ClusterRole of its own.
 * Each level feeds the next: `view` is labelled aggregate-to-edit and `edit` aggregate-to-admin,
 * so admin ⊇ edit ⊇ view. The rules of each level live in `system:aggregate-to-<role>`.
 *
 * As upstream, none of them lets a namespace's users raise its ResourceQuotas or LimitRanges, or
 * write Endpoints and EndpointSlices (which could point a Service anywhere), and only edit and
 * above read Secrets.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { PolicyRule } from '../../api/rbac/v1/policy-rule.ts';
import { aggregateToLabel, aggregatedClusterRole, clusterRole, READ_VERBS, rule, WRITE_VERBS } from './policy-builders.ts';

/** Core-group resources a viewer reads (no Secrets). */
const VIEWED_CORE = [
  'bindings',
  'configmaps',
  'endpoints',
  'events',
  'limitranges',
  'namespaces',
  'namespaces/status',
  'persistentvolumeclaims',
  'persistentvolumeclaims/status',
  'pods',
  'pods/log',
  'pods/status',
  'replicationcontrollers',
  'replicationcontrollers/scale',
  'replicationcontrollers/status',
  'resourcequotas',
  'resourcequotas/status',
  'serviceaccounts',
  'services',
  'services/status',
];

/** Other groups' resources a viewer reads, and an editor writes but for the `readOnly` ones. */
const WORKLOAD_RESOURCES: readonly { group: string; resources: readonly string[]; readOnly: readonly string[] }[] = [
  {
    group: 'apps',
    resources: ['daemonsets', 'deployments', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'],
    readOnly: ['controllerrevisions', 'daemonsets/status', 'deployments/status', 'replicasets/status', 'statefulsets/status'],
  },
  { group: 'autoscaling', resources: ['horizontalpodautoscalers'], readOnly: ['horizontalpodautoscalers/status'] },
  { group: 'batch', resources: ['cronjobs', 'jobs'], readOnly: ['cronjobs/status', 'jobs/status'] },
  { group: 'policy', resources: ['poddisruptionbudgets'], readOnly: ['poddisruptionbudgets/status'] },
  { group: 'networking.k8s.io', resources: ['ingresses', 'networkpolicies'], readOnly: ['ingresses/status'] },
  { group: 'discovery.k8s.io', resources: [], readOnly: ['endpointslices'] },
];

const VIEW_RULES: readonly PolicyRule[] = [
  rule(READ_VERBS, '', VIEWED_CORE),
  ...WORKLOAD_RESOURCES.map((g) => rule(READ_VERBS, g.group, [...g.resources, ...g.readOnly])),
];

/** The pod and service subresources that reach into running containers and backends. */
const POD_ACCESS = ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'];

const EDIT_RULES: readonly PolicyRule[] = [
  rule(READ_VERBS, '', [...POD_ACCESS, 'secrets', 'services/proxy']),
  rule(['impersonate'], '', ['serviceaccounts']),
  rule(WRITE_VERBS, '', ['pods', ...POD_ACCESS]),
  rule(['create'], '', ['serviceaccounts/token']),
  rule(['create'], '', ['pods/eviction']),
  rule(WRITE_VERBS, '', [
    'configmaps',
    'events',
    'persistentvolumeclaims',
    'replicationcontrollers',
    'replicationcontrollers/scale',
    'secrets',
    'serviceaccounts',
    'services',
    'services/proxy',
  ]),
  ...WORKLOAD_RESOURCES.filter((g) => g.resources.length > 0).map((g) => rule(WRITE_VERBS, g.group, g.resources)),
];

const ADMIN_RULES: readonly PolicyRule[] = [
  rule(['create'], 'authorization.k8s.io', ['localsubjectaccessreviews']),
  rule([...WRITE_VERBS, ...READ_VERBS], 'rbac.authorization.k8s.io', ['rolebindings', 'roles']),
];

/** The aggregated roles and the roles holding their rules. */
export const AGGREGATED_ROLES: readonly KubeObject[] = [
  aggregatedClusterRole('admin', 'admin'),
  aggregatedClusterRole('edit', 'edit', { [aggregateToLabel('admin')]: 'true' }),
  aggregatedClusterRole('view', 'view', { [aggregateToLabel('edit')]: 'true' }),
  clusterRole('system:aggregate-to-admin', ADMIN_RULES, { [aggregateToLabel('admin')]: 'true' }),
  clusterRole('system:aggregate-to-edit', EDIT_RULES, { [aggregateToLabel('edit')]: 'true' }),
  clusterRole('system:aggregate-to-view', VIEW_RULES, { [aggregateToLabel('view')]: 'true' }),
];
