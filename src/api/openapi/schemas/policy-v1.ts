/** policy/v1 PodDisruptionBudget, and Eviction (the body of pods/eviction). */
import type { SchemaSet } from '../schema-types.ts';
import { apiPrefix, conditions, int32, int64, intOrString, kind, kindWithList, map, META, obj, ref, str, time } from './dsl.ts';

const policy = apiPrefix('policy', 'v1');

export const policyV1Schemas: SchemaSet = {
  ...kindWithList({ group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' }, 'The most pods of a set that voluntary disruptions (evictions) may take down at once.', {
    spec: ref(`${policy}PodDisruptionBudgetSpec`, 'The pods the budget covers and how many must stay available.'),
    status: ref(`${policy}PodDisruptionBudgetStatus`, 'The observed state of the budget, written by the disruption controller.'),
  }),
  [`${policy}PodDisruptionBudgetSpec`]: obj('The pods a disruption budget covers and how many must stay available.', {
    minAvailable: intOrString('Pods (a number or a percentage) that must stay available after an eviction. Exclusive with maxUnavailable.'),
    selector: {
      ...ref(`${META}LabelSelector`, 'The pods the budget covers; an empty selector selects every pod of the namespace.'),
      'x-kubernetes-patch-strategy': 'replace',
    },
    maxUnavailable: intOrString('Pods (a number or a percentage) that may be unavailable after an eviction. Exclusive with minAvailable.'),
    unhealthyPodEvictionPolicy: str('When pods that are not ready may be evicted: `IfHealthyBudget` (default) or `AlwaysAllow`.'),
  }),
  [`${policy}PodDisruptionBudgetStatus`]: obj(
    'The observed state of a disruption budget.',
    {
      observedGeneration: int64('The generation of the budget this status was computed from.'),
      disruptedPods: map(time(), 'Pods whose eviction was accepted but whose deletion the controller has not seen yet, with the time of the eviction.'),
      disruptionsAllowed: int32('Pod disruptions currently allowed.'),
      currentHealthy: int32('Healthy pods now.'),
      desiredHealthy: int32('The fewest healthy pods the budget wants.'),
      expectedPods: int32('Pods the budget counts.'),
      conditions: conditions(`${META}Condition`, 'The DisruptionAllowed condition.'),
    },
    { required: ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] },
  ),
  [`${policy}Eviction`]: kind({ group: 'policy', version: 'v1', kind: 'Eviction' }, 'Evicts a pod from its node, within its disruption budget.', {
    deleteOptions: ref(`${META}DeleteOptions`, 'How the pod is deleted.'),
  }),
};
