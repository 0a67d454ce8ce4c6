/** core/v1 ResourceQuota (`kubectl create quota`). */
import { message, msg, msgs, quantityMap, str, strings, type MessageDescriptor } from '../descriptor.ts';
import { metadataField } from './meta-v1.ts';

const CORE = 'k8s.io.api.core.v1.';

export const scopedResourceSelectorRequirement: MessageDescriptor = message(`${CORE}ScopedResourceSelectorRequirement`, {
  1: str('scopeName'),
  2: str('operator'),
  3: strings('values'),
});

export const resourceQuotaSpec: MessageDescriptor = message(`${CORE}ResourceQuotaSpec`, {
  1: quantityMap('hard'),
  2: strings('scopes'),
  3: msg('scopeSelector', () => message(`${CORE}ScopeSelector`, { 1: msgs('matchExpressions', () => scopedResourceSelectorRequirement) })),
});

export const resourceQuota: MessageDescriptor = message(`${CORE}ResourceQuota`, {
  1: metadataField,
  2: msg('spec', () => resourceQuotaSpec),
  3: msg('status', () => message(`${CORE}ResourceQuotaStatus`, { 1: quantityMap('hard'), 2: quantityMap('used') })),
});
