/** autoscaling/v1 HorizontalPodAutoscaler (`kubectl autoscale`). */
import { int32, message, msg, optInt32, optInt64, str, time, type MessageDescriptor } from '../descriptor.ts';
import { metadataField } from './meta-v1.ts';

const AS = 'k8s.io.api.autoscaling.v1.';

export const crossVersionObjectReference: MessageDescriptor = message(`${AS}CrossVersionObjectReference`, { 1: str('kind'), 2: str('name'), 3: str('apiVersion') });

export const horizontalPodAutoscaler: MessageDescriptor = message(`${AS}HorizontalPodAutoscaler`, {
  1: metadataField,
  2: msg('spec', () =>
    message(`${AS}HorizontalPodAutoscalerSpec`, {
      1: msg('scaleTargetRef', () => crossVersionObjectReference),
      2: optInt32('minReplicas'),
      3: int32('maxReplicas'),
      4: optInt32('targetCPUUtilizationPercentage'),
    }),
  ),
  3: msg('status', () =>
    message(`${AS}HorizontalPodAutoscalerStatus`, {
      1: optInt64('observedGeneration'),
      2: time('lastScaleTime'),
      3: int32('currentReplicas'),
      4: int32('desiredReplicas'),
      5: optInt32('currentCPUUtilizationPercentage'),
    }),
  ),
});
