/** rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding. */
import type { SchemaSet } from '../schema-types.ts';
import { apiPrefix, atomicList, kindWithList, META, obj, ref, str, strings } from './dsl.ts';

const rbac = apiPrefix('rbac.authorization.k8s.io', 'v1');
const gv = { group: 'rbac.authorization.k8s.io', version: 'v1' };

const rules = atomicList(ref(`${rbac}PolicyRule`), 'The permissions the role grants.');

export const rbacV1Schemas: SchemaSet = {
  [`${rbac}PolicyRule`]: obj(
    'Verbs allowed on resources of API groups (optionally only the named objects), or on non-resource URLs.',
    {
      verbs: strings('Verbs allowed, such as `get`, `list`, `create`; `*` allows all.'),
      apiGroups: strings('API groups of the resources; `""` is the core group, `*` all groups.'),
      resources: strings('Resources the rule applies to, such as `pods` or `pods/log`; `*` all.'),
      resourceNames: strings('Names of the objects the rule is limited to; empty allows all.'),
      nonResourceURLs: strings('URL paths such as `/healthz` (cluster roles only); `*` as the last character is a prefix match.'),
    },
    { required: ['verbs'] },
  ),
  ...kindWithList({ ...gv, kind: 'Role' }, 'Permissions within one namespace.', { rules }),
  ...kindWithList({ ...gv, kind: 'ClusterRole' }, 'Permissions across the cluster, or a set of permissions bindings reuse in namespaces.', {
    rules,
    aggregationRule: ref(`${rbac}AggregationRule`, 'Builds the rules from the cluster roles matching selectors.'),
  }),
  [`${rbac}AggregationRule`]: obj('Which cluster roles to aggregate into this one.', {
    clusterRoleSelectors: atomicList(ref(`${META}LabelSelector`), 'Cluster roles matching any of these selectors are aggregated.'),
  }),
  [`${rbac}Subject`]: obj(
    'A user, group or service account a binding grants its role to.',
    {
      kind: str('`User`, `Group` or `ServiceAccount`.'),
      apiGroup: str('`rbac.authorization.k8s.io` for users and groups, `""` for service accounts.'),
      name: str('Name of the subject.'),
      namespace: str('Namespace of a service account.'),
    },
    { required: ['kind', 'name'], mapType: 'atomic' },
  ),
  [`${rbac}RoleRef`]: obj(
    'The role a binding grants; it cannot change.',
    {
      apiGroup: str('Always `rbac.authorization.k8s.io`.'),
      kind: str('`Role` or `ClusterRole`.'),
      name: str('Name of the role.'),
    },
    { required: ['apiGroup', 'kind', 'name'], mapType: 'atomic' },
  ),
  ...kindWithList(
    { ...gv, kind: 'RoleBinding' },
    'Grants a Role or ClusterRole to subjects within one namespace.',
    {
      subjects: atomicList(ref(`${rbac}Subject`), 'Who gets the role.'),
      roleRef: ref(`${rbac}RoleRef`, 'The Role or ClusterRole granted.'),
    },
    ['roleRef'],
  ),
  ...kindWithList(
    { ...gv, kind: 'ClusterRoleBinding' },
    'Grants a ClusterRole to subjects across the cluster.',
    {
      subjects: atomicList(ref(`${rbac}Subject`), 'Who gets the role.'),
      roleRef: ref(`${rbac}RoleRef`, 'The ClusterRole granted.'),
    },
    ['roleRef'],
  ),
};
