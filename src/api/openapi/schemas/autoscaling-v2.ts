/** autoscaling/v2 HorizontalPodAutoscaler. */
import type { SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, atomicList, conditions, int32, kindWithList, META, obj, quantity, ref, str, time, int64,
} from './dsl.ts';

const as = apiPrefix('autoscaling', 'v2');

const target = ref(`${as}MetricTarget`, 'The target value.');

export const autoscalingV2Schemas: SchemaSet = {
  ...kindWithList({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' }, 'Scales a workload between a minimum and a maximum by its metrics (not acted on by k8ts: there is no metrics API).', {
    spec: ref(`${as}HorizontalPodAutoscalerSpec`, 'The target, the replica range and the metrics.'),
    status: ref(`${as}HorizontalPodAutoscalerStatus`, 'The observed state of the autoscaler.'),
  }),
  [`${as}HorizontalPodAutoscalerSpec`]: obj(
    'What an autoscaler scales, within what range, by which metrics.',
    {
      scaleTargetRef: ref(`${as}CrossVersionObjectReference`, 'The scaled object.'),
      minReplicas: int32('Lowest replica count. Defaults to 1.'),
      maxReplicas: int32('Highest replica count.'),
      metrics: atomicList(ref(`${as}MetricSpec`), 'The metrics to scale by; 80% CPU utilization by default.'),
      behavior: ref(`${as}HorizontalPodAutoscalerBehavior`, 'How fast to scale up and down.'),
    },
    { required: ['scaleTargetRef', 'maxReplicas'] },
  ),
  [`${as}CrossVersionObjectReference`]: obj(
    'An object of the same namespace, by kind and name.',
    {
      kind: str('Kind of the object.'),
      name: str('Name of the object.'),
      apiVersion: str('API version of the object.'),
    },
    { required: ['kind', 'name'], mapType: 'atomic' },
  ),
  [`${as}MetricSpec`]: obj(
    'One metric to scale by.',
    {
      type: str('`ContainerResource`, `External`, `Object`, `Pods` or `Resource`.'),
      object: ref(`${as}ObjectMetricSource`, 'A metric of another object.'),
      pods: ref(`${as}PodsMetricSource`, 'A metric averaged over the pods.'),
      resource: ref(`${as}ResourceMetricSource`, 'A resource of the pods, such as cpu.'),
      containerResource: ref(`${as}ContainerResourceMetricSource`, 'A resource of one container of the pods.'),
      external: ref(`${as}ExternalMetricSource`, 'A metric from outside the cluster.'),
    },
    { required: ['type'] },
  ),
  [`${as}MetricTarget`]: obj(
    'A target value of a metric.',
    {
      type: str('`Utilization`, `Value` or `AverageValue`.'),
      value: quantity('Target value of the metric.'),
      averageValue: quantity('Target value averaged over the pods.'),
      averageUtilization: int32('Target utilization, in percent of the requests.'),
    },
    { required: ['type'] },
  ),
  [`${as}MetricIdentifier`]: obj(
    'A metric by name and labels.',
    {
      name: str('Name of the metric.'),
      selector: ref(`${META}LabelSelector`, 'Labels of the metric.'),
    },
    { required: ['name'] },
  ),
  [`${as}ObjectMetricSource`]: obj(
    'A metric of another object.',
    { describedObject: ref(`${as}CrossVersionObjectReference`, 'The object.'), target, metric: ref(`${as}MetricIdentifier`, 'The metric.') },
    { required: ['describedObject', 'target', 'metric'] },
  ),
  [`${as}PodsMetricSource`]: obj('A metric averaged over the pods.', { metric: ref(`${as}MetricIdentifier`, 'The metric.'), target }, { required: ['metric', 'target'] }),
  [`${as}ResourceMetricSource`]: obj('A resource of the pods.', { name: str('Name of the resource, such as cpu.'), target }, { required: ['name', 'target'] }),
  [`${as}ContainerResourceMetricSource`]: obj(
    'A resource of one container of the pods.',
    { name: str('Name of the resource.'), target, container: str('Name of the container.') },
    { required: ['name', 'target', 'container'] },
  ),
  [`${as}ExternalMetricSource`]: obj('A metric from outside the cluster.', { metric: ref(`${as}MetricIdentifier`, 'The metric.'), target }, { required: ['metric', 'target'] }),
  [`${as}HorizontalPodAutoscalerBehavior`]: obj('How fast an autoscaler scales.', {
    scaleUp: ref(`${as}HPAScalingRules`, 'Rules for scaling up.'),
    scaleDown: ref(`${as}HPAScalingRules`, 'Rules for scaling down.'),
  }),
  [`${as}HPAScalingRules`]: obj('Rules for scaling in one direction.', {
    stabilizationWindowSeconds: int32('Seconds of past recommendations considered.'),
    selectPolicy: str('`Max`, `Min` or `Disabled`.'),
    policies: atomicList(ref(`${as}HPAScalingPolicy`), 'The largest changes allowed per period.'),
    tolerance: quantity('Smallest relative change of the metric that causes scaling.'),
  }),
  [`${as}HPAScalingPolicy`]: obj(
    'A largest change allowed in a period.',
    {
      type: str('`Pods` or `Percent`.'),
      value: int32('The amount of change.'),
      periodSeconds: int32('The period, in seconds.'),
    },
    { required: ['type', 'value', 'periodSeconds'] },
  ),
  [`${as}HorizontalPodAutoscalerStatus`]: obj('The observed state of an autoscaler.', {
    observedGeneration: int64('The generation last acted on.'),
    lastScaleTime: time('When the autoscaler last scaled.'),
    currentReplicas: int32('Replicas of the target now.'),
    desiredReplicas: int32('Replicas the autoscaler wants.'),
    currentMetrics: atomicList(ref(`${as}MetricStatus`), 'Last read values of the metrics.'),
    conditions: conditions(`${as}HorizontalPodAutoscalerCondition`, 'Conditions of the autoscaler.'),
  }),
  [`${as}MetricStatus`]: obj(
    'The last read value of one metric.',
    {
      type: str('The metric source type.'),
      object: ref(`${as}MetricSourceStatus`, 'Object metric value.'),
      pods: ref(`${as}MetricSourceStatus`, 'Pods metric value.'),
      resource: ref(`${as}MetricSourceStatus`, 'Resource metric value.'),
      containerResource: ref(`${as}MetricSourceStatus`, 'Container resource metric value.'),
      external: ref(`${as}MetricSourceStatus`, 'External metric value.'),
    },
    { required: ['type'] },
  ),
  [`${as}MetricSourceStatus`]: obj('The value of a metric source.', {
    name: str('Name of the resource, for resource metrics.'),
    container: str('Name of the container, for container resource metrics.'),
    metric: ref(`${as}MetricIdentifier`, 'The metric.'),
    describedObject: ref(`${as}CrossVersionObjectReference`, 'The object, for object metrics.'),
    current: ref(`${as}MetricValueStatus`, 'The current value.'),
  }),
  [`${as}MetricValueStatus`]: obj('A current metric value.', {
    value: quantity('The value.'),
    averageValue: quantity('The value averaged over the pods.'),
    averageUtilization: int32('The utilization, in percent of the requests.'),
  }),
  [`${as}HorizontalPodAutoscalerCondition`]: obj(
    'A condition of an autoscaler.',
    {
      type: str('`ScalingActive`, `AbleToScale` or `ScalingLimited`.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Machine-readable reason.'),
      message: str('Human-readable details.'),
    },
    { required: ['type', 'status'] },
  ),
};
