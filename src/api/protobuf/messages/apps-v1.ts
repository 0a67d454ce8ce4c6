/** apps/v1 Deployment. */
import { bool, int32, int64, intOrString, message, msg, msgs, optInt32, str, time, type MessageDescriptor } from '../descriptor.ts';
import { podTemplateSpec } from './core-v1-pod.ts';
import { labelSelector, metadataField } from './meta-v1.ts';

const APPS = 'k8s.io.api.apps.v1.';

export const rollingUpdateDeployment: MessageDescriptor = message(`${APPS}RollingUpdateDeployment`, {
  1: intOrString('maxUnavailable'),
  2: intOrString('maxSurge'),
});

export const deploymentStrategy: MessageDescriptor = message(`${APPS}DeploymentStrategy`, {
  1: str('type'),
  2: msg('rollingUpdate', () => rollingUpdateDeployment),
});

export const deploymentSpec: MessageDescriptor = message(`${APPS}DeploymentSpec`, {
  1: optInt32('replicas'),
  2: msg('selector', () => labelSelector),
  3: msg('template', () => podTemplateSpec),
  4: msg('strategy', () => deploymentStrategy),
  5: int32('minReadySeconds'),
  6: optInt32('revisionHistoryLimit'),
  7: bool('paused'),
  9: optInt32('progressDeadlineSeconds'),
});

export const deploymentCondition: MessageDescriptor = message(`${APPS}DeploymentCondition`, {
  1: str('type'),
  2: str('status'),
  6: time('lastUpdateTime'),
  7: time('lastTransitionTime'),
  4: str('reason'),
  5: str('message'),
});

export const deploymentStatus: MessageDescriptor = message(`${APPS}DeploymentStatus`, {
  1: int64('observedGeneration'),
  2: int32('replicas'),
  3: int32('updatedReplicas'),
  7: int32('readyReplicas'),
  4: int32('availableReplicas'),
  5: int32('unavailableReplicas'),
  6: msgs('conditions', () => deploymentCondition),
  8: optInt32('collisionCount'),
});

export const deployment: MessageDescriptor = message(`${APPS}Deployment`, {
  1: metadataField,
  2: msg('spec', () => deploymentSpec),
  3: msg('status', () => deploymentStatus),
});
