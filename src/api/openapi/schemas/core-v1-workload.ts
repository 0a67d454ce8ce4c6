/** core/v1 PodTemplate and ReplicationController. */
import type { SchemaSet } from '../schema-types.ts';
import { apiPrefix, conditions, int32, int64, kindWithList, map, obj, ref, str, time } from './dsl.ts';

const core = apiPrefix('', 'v1');

export const coreV1WorkloadSchemas: SchemaSet = {
  ...kindWithList({ group: '', version: 'v1', kind: 'PodTemplate' }, 'A stored pod template.', {
    template: ref(`${core}PodTemplateSpec`, 'The pod template.'),
  }),
  ...kindWithList({ group: '', version: 'v1', kind: 'ReplicationController' }, 'Keeps a number of pods of a template running (the predecessor of ReplicaSet).', {
    spec: ref(`${core}ReplicationControllerSpec`, 'The replicas and the pod template.'),
    status: ref(`${core}ReplicationControllerStatus`, 'The observed state.'),
  }),
  [`${core}ReplicationControllerSpec`]: obj('The pods a replication controller keeps.', {
    replicas: int32('Number of pods wanted. Defaults to 1.'),
    minReadySeconds: int32('Seconds a pod must be ready to count as available.'),
    selector: map(str(), 'Labels of the pods; defaults to the template labels.', 'atomic'),
    template: ref(`${core}PodTemplateSpec`, 'The pods to create.'),
  }),
  [`${core}ReplicationControllerStatus`]: obj(
    'The observed state of a replication controller.',
    {
      replicas: int32('Pods that exist.'),
      fullyLabeledReplicas: int32('Pods whose labels match the template.'),
      readyReplicas: int32('Pods that are ready.'),
      availableReplicas: int32('Pods ready for minReadySeconds.'),
      observedGeneration: int64('The generation last acted on.'),
      conditions: conditions(`${core}ReplicationControllerCondition`, 'Conditions of the replication controller.'),
    },
    { required: ['replicas'] },
  ),
  [`${core}ReplicationControllerCondition`]: obj(
    'A condition of a replication controller.',
    {
      type: str('Kind of condition, such as `ReplicaFailure`.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  ),
};
