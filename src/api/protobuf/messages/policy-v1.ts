/** policy/v1 PodDisruptionBudget (`kubectl create pdb`) and Eviction (`kubectl drain`'s POST pods/eviction). */
import { int32, int64, intOrString, message, msg, msgs, optStr, timeMap, type MessageDescriptor } from '../descriptor.ts';
import { condition, deleteOptions, labelSelector, metadataField } from './meta-v1.ts';

const POLICY = 'k8s.io.api.policy.v1.';

export const podDisruptionBudgetSpec: MessageDescriptor = message(`${POLICY}PodDisruptionBudgetSpec`, {
  1: intOrString('minAvailable'),
  2: msg('selector', () => labelSelector),
  3: intOrString('maxUnavailable'),
  4: optStr('unhealthyPodEvictionPolicy'),
});

export const podDisruptionBudgetStatus: MessageDescriptor = message(`${POLICY}PodDisruptionBudgetStatus`, {
  1: int64('observedGeneration'),
  2: timeMap('disruptedPods'),
  3: int32('disruptionsAllowed'),
  4: int32('currentHealthy'),
  5: int32('desiredHealthy'),
  6: int32('expectedPods'),
  7: msgs('conditions', () => condition),
});

export const podDisruptionBudget: MessageDescriptor = message(`${POLICY}PodDisruptionBudget`, {
  1: metadataField,
  2: msg('spec', () => podDisruptionBudgetSpec),
  3: msg('status', () => podDisruptionBudgetStatus),
});

export const eviction: MessageDescriptor = message(`${POLICY}Eviction`, {
  1: metadataField,
  2: msg('deleteOptions', () => deleteOptions),
});
