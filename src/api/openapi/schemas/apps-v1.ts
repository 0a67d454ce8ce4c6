/** apps/v1 workload kinds: Deployment, ReplicaSet, StatefulSet, DaemonSet, and ControllerRevision. */
import type { OpenApiSchema, SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, atomicList, bool, conditions, int32, int64, intOrString, kindWithList, loose, META, obj, ref, str, time,
} from './dsl.ts';

const apps = apiPrefix('apps', 'v1');
const core = apiPrefix('', 'v1');

const selector = ref(`${META}LabelSelector`, 'Labels of the pods this object manages; must match the template labels. Cannot be changed.');
const template = ref(`${core}PodTemplateSpec`, 'The pods to create.');
const minReadySeconds = int32('Seconds a new pod must be ready before it counts as available.');
const revisionHistoryLimit = int32('How many old revisions to keep for rollback.');
const observedGeneration = int64('The generation the controller last acted on.');
const collisionCount = int32('Counter that disambiguates revision names on hash collisions.');

function workloadCondition(kind: string): OpenApiSchema {
  return obj(
    `One condition of a ${kind}.`,
    {
      type: str('Kind of condition.'),
      status: str('`True`, `False` or `Unknown`.'),
      ...(kind === 'Deployment' ? { lastUpdateTime: time('When the condition was last updated.') } : {}),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  );
}

export const appsV1Schemas: SchemaSet = {
  ...kindWithList({ group: 'apps', version: 'v1', kind: 'Deployment' }, 'Declarative updates for a set of identical pods, through ReplicaSets.', {
    spec: ref(`${apps}DeploymentSpec`, 'The desired state of the deployment.'),
    status: ref(`${apps}DeploymentStatus`, 'The observed state of the deployment.'),
  }),
  [`${apps}DeploymentSpec`]: obj(
    'The desired state of a deployment.',
    {
      replicas: int32('Number of pods wanted. Defaults to 1.'),
      selector,
      template,
      strategy: { ...ref(`${apps}DeploymentStrategy`, 'How old pods are replaced by new ones.'), 'x-kubernetes-patch-strategy': 'retainKeys' },
      minReadySeconds,
      revisionHistoryLimit,
      paused: bool('Pauses rollouts; template changes wait until resumed.'),
      progressDeadlineSeconds: int32('Seconds without progress before the rollout is reported as failed. Defaults to 600.'),
    },
    { required: ['selector', 'template'] },
  ),
  [`${apps}DeploymentStrategy`]: obj('How a deployment replaces its pods.', {
    type: str('`RollingUpdate` (default) or `Recreate`.'),
    rollingUpdate: ref(`${apps}RollingUpdateDeployment`, 'Parameters of a rolling update.'),
  }),
  [`${apps}RollingUpdateDeployment`]: obj('Parameters of a rolling update.', {
    maxUnavailable: intOrString('Most pods (count or percentage) that may be unavailable during the update. Defaults to 25%.'),
    maxSurge: intOrString('Most pods (count or percentage) above the wanted number during the update. Defaults to 25%.'),
  }),
  [`${apps}DeploymentStatus`]: obj('The observed state of a deployment.', {
    observedGeneration,
    replicas: int32('Pods of this deployment, old and new.'),
    updatedReplicas: int32('Pods from the current template.'),
    readyReplicas: int32('Pods that are ready.'),
    availableReplicas: int32('Pods that have been ready for minReadySeconds.'),
    unavailableReplicas: int32('Pods still needed to reach the wanted number available.'),
    terminatingReplicas: int32('Pods being terminated.'),
    conditions: conditions(`${apps}DeploymentCondition`, 'Conditions of the deployment: Available, Progressing, ReplicaFailure.'),
    collisionCount,
  }),
  [`${apps}DeploymentCondition`]: workloadCondition('Deployment'),

  ...kindWithList({ group: 'apps', version: 'v1', kind: 'ReplicaSet' }, 'Keeps a number of identical pods running.', {
    spec: ref(`${apps}ReplicaSetSpec`, 'The desired state of the replica set.'),
    status: ref(`${apps}ReplicaSetStatus`, 'The observed state of the replica set.'),
  }),
  [`${apps}ReplicaSetSpec`]: obj(
    'The desired state of a replica set.',
    {
      replicas: int32('Number of pods wanted. Defaults to 1.'),
      minReadySeconds,
      selector,
      template,
    },
    { required: ['selector'] },
  ),
  [`${apps}ReplicaSetStatus`]: obj(
    'The observed state of a replica set.',
    {
      replicas: int32('Pods the replica set has.'),
      fullyLabeledReplicas: int32('Pods whose labels match the template labels.'),
      readyReplicas: int32('Pods that are ready.'),
      availableReplicas: int32('Pods that have been ready for minReadySeconds.'),
      terminatingReplicas: int32('Pods being terminated.'),
      observedGeneration,
      conditions: conditions(`${apps}ReplicaSetCondition`, 'Conditions of the replica set.'),
    },
    { required: ['replicas'] },
  ),
  [`${apps}ReplicaSetCondition`]: workloadCondition('ReplicaSet'),

  ...kindWithList({ group: 'apps', version: 'v1', kind: 'StatefulSet' }, 'Pods with stable names and storage, created and updated in order.', {
    spec: ref(`${apps}StatefulSetSpec`, 'The desired state of the stateful set.'),
    status: ref(`${apps}StatefulSetStatus`, 'The observed state of the stateful set.'),
  }),
  [`${apps}StatefulSetSpec`]: obj(
    'The desired state of a stateful set.',
    {
      replicas: int32('Number of pods wanted. Defaults to 1.'),
      selector,
      template,
      volumeClaimTemplates: atomicList(ref(`${core}PersistentVolumeClaim`), 'Claims created for each pod, mounted by name.'),
      serviceName: str('The headless service that gives the pods their DNS names.'),
      podManagementPolicy: str('`OrderedReady` (default) or `Parallel`.'),
      updateStrategy: ref(`${apps}StatefulSetUpdateStrategy`, 'How pods are updated when the template changes.'),
      revisionHistoryLimit,
      minReadySeconds,
      persistentVolumeClaimRetentionPolicy: ref(`${apps}StatefulSetPersistentVolumeClaimRetentionPolicy`, 'What happens to the claims on delete and scale-down.'),
      ordinals: ref(`${apps}StatefulSetOrdinals`, 'Numbering of the pods.'),
    },
    { required: ['selector', 'template'] },
  ),
  [`${apps}StatefulSetUpdateStrategy`]: obj('How a stateful set updates its pods.', {
    type: str('`RollingUpdate` (default) or `OnDelete`.'),
    rollingUpdate: ref(`${apps}RollingUpdateStatefulSetStrategy`, 'Parameters of a rolling update.'),
  }),
  [`${apps}RollingUpdateStatefulSetStrategy`]: obj('Parameters of a stateful set rolling update.', {
    partition: int32('Only pods with an ordinal at or above this are updated.'),
    maxUnavailable: intOrString('Most pods that may be unavailable during the update. Defaults to 1.'),
  }),
  [`${apps}StatefulSetPersistentVolumeClaimRetentionPolicy`]: obj('What happens to the claims of a stateful set.', {
    whenDeleted: str('`Retain` (default) or `Delete` when the stateful set is deleted.'),
    whenScaled: str('`Retain` (default) or `Delete` when it scales down.'),
  }),
  [`${apps}StatefulSetOrdinals`]: obj('Numbering of stateful set pods.', { start: int32('The first ordinal. Defaults to 0.') }),
  [`${apps}StatefulSetStatus`]: obj(
    'The observed state of a stateful set.',
    {
      observedGeneration,
      replicas: int32('Pods the stateful set has.'),
      readyReplicas: int32('Pods that are ready.'),
      currentReplicas: int32('Pods at currentRevision.'),
      updatedReplicas: int32('Pods at updateRevision.'),
      currentRevision: str('Revision of the pods before the update.'),
      updateRevision: str('Revision the pods are being updated to.'),
      collisionCount,
      conditions: conditions(`${apps}StatefulSetCondition`, 'Conditions of the stateful set.'),
      availableReplicas: int32('Pods that have been ready for minReadySeconds.'),
    },
    { required: ['replicas'] },
  ),
  [`${apps}StatefulSetCondition`]: workloadCondition('StatefulSet'),

  ...kindWithList({ group: 'apps', version: 'v1', kind: 'DaemonSet' }, 'Runs one copy of a pod on every eligible node.', {
    spec: ref(`${apps}DaemonSetSpec`, 'The desired state of the daemon set.'),
    status: ref(`${apps}DaemonSetStatus`, 'The observed state of the daemon set.'),
  }),
  [`${apps}DaemonSetSpec`]: obj(
    'The desired state of a daemon set.',
    {
      selector,
      template,
      updateStrategy: ref(`${apps}DaemonSetUpdateStrategy`, 'How pods are replaced when the template changes.'),
      minReadySeconds,
      revisionHistoryLimit,
    },
    { required: ['selector', 'template'] },
  ),
  [`${apps}DaemonSetUpdateStrategy`]: obj('How a daemon set updates its pods.', {
    type: str('`RollingUpdate` (default) or `OnDelete`.'),
    rollingUpdate: ref(`${apps}RollingUpdateDaemonSet`, 'Parameters of a rolling update.'),
  }),
  [`${apps}RollingUpdateDaemonSet`]: obj('Parameters of a daemon set rolling update.', {
    maxUnavailable: intOrString('Most nodes whose pod may be unavailable during the update. Defaults to 1.'),
    maxSurge: intOrString('Most nodes that may run an extra pod during the update. Defaults to 0.'),
  }),
  [`${apps}DaemonSetStatus`]: obj(
    'The observed state of a daemon set.',
    {
      currentNumberScheduled: int32('Nodes running the pod that should.'),
      numberMisscheduled: int32('Nodes running the pod that should not.'),
      desiredNumberScheduled: int32('Nodes that should run the pod.'),
      numberReady: int32('Nodes whose pod is ready.'),
      observedGeneration,
      updatedNumberScheduled: int32('Nodes running the current template.'),
      numberAvailable: int32('Nodes whose pod has been ready for minReadySeconds.'),
      numberUnavailable: int32('Nodes that should run an available pod and do not.'),
      collisionCount,
      conditions: conditions(`${apps}DaemonSetCondition`, 'Conditions of the daemon set.'),
    },
    { required: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'] },
  ),
  [`${apps}DaemonSetCondition`]: workloadCondition('DaemonSet'),

  ...kindWithList(
    { group: 'apps', version: 'v1', kind: 'ControllerRevision' },
    'An immutable snapshot of the pod template of a stateful set or daemon set.',
    {
      data: loose('The snapshot (a patch that restores the template). Cannot be changed.'),
      revision: int64('The revision number; higher is newer.'),
    },
    ['revision'],
  ),
};
