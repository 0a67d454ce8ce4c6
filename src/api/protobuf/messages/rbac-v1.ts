/** rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding. */
import { message, msg, msgs, str, strings, type MessageDescriptor } from '../descriptor.ts';
import { labelSelector, metadataField } from './meta-v1.ts';

const RBAC = 'k8s.io.api.rbac.v1.';

export const policyRule: MessageDescriptor = message(`${RBAC}PolicyRule`, {
  1: strings('verbs'),
  2: strings('apiGroups'),
  3: strings('resources'),
  4: strings('resourceNames'),
  5: strings('nonResourceURLs'),
});

export const subject: MessageDescriptor = message(`${RBAC}Subject`, { 1: str('kind'), 2: str('apiGroup'), 3: str('name'), 4: str('namespace') });

export const roleRef: MessageDescriptor = message(`${RBAC}RoleRef`, { 1: str('apiGroup'), 2: str('kind'), 3: str('name') });

export const role: MessageDescriptor = message(`${RBAC}Role`, { 1: metadataField, 2: msgs('rules', () => policyRule) });

export const clusterRole: MessageDescriptor = message(`${RBAC}ClusterRole`, {
  1: metadataField,
  2: msgs('rules', () => policyRule),
  3: msg('aggregationRule', () => message(`${RBAC}AggregationRule`, { 1: msgs('clusterRoleSelectors', () => labelSelector) })),
});

const binding = (name: string): MessageDescriptor =>
  message(`${RBAC}${name}`, { 1: metadataField, 2: msgs('subjects', () => subject), 3: msg('roleRef', () => roleRef) });
export const roleBinding: MessageDescriptor = binding('RoleBinding');
export const clusterRoleBinding: MessageDescriptor = binding('ClusterRoleBinding');
