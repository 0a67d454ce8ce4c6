/** networking.k8s.io/v1: Ingresses (status subresource), IngressClasses, NetworkPolicies. */
import { ingressTableColumns, ingressTableRow, ingressType, validateIngress } from '../../../api/networking/v1/ingress.ts';
import { ingressClassTableColumns, ingressClassTableRow, ingressClassType, validateIngressClass, validateIngressClassUpdate } from '../../../api/networking/v1/ingress-class.ts';
import {
  defaultNetworkPolicy,
  networkPolicyTableColumns,
  networkPolicyTableRow,
  networkPolicyType,
  validateNetworkPolicy,
} from '../../../api/networking/v1/network-policy.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const ingressStrategy: ResourceStrategy = defineStrategy({
  type: ingressType,
  hasStatus: true,
  validateCreate: validateIngress,
  validateUpdate: validateIngress,
  tableColumns: ingressTableColumns,
  tableRow: ingressTableRow,
});

export const ingressClassStrategy: ResourceStrategy = defineStrategy({
  type: ingressClassType,
  validateCreate: validateIngressClass,
  validateUpdate: validateIngressClassUpdate,
  tableColumns: ingressClassTableColumns,
  tableRow: ingressClassTableRow,
});

export const networkPolicyStrategy: ResourceStrategy = defineStrategy({
  type: networkPolicyType,
  applyDefaults: defaultNetworkPolicy,
  validateCreate: validateNetworkPolicy,
  validateUpdate: validateNetworkPolicy,
  tableColumns: networkPolicyTableColumns,
  tableRow: networkPolicyTableRow,
});
