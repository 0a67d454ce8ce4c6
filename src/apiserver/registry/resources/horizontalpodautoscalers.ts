/** autoscaling/v2 HorizontalPodAutoscalers: status subresource; stored and served only (no controller). */
import {
  defaultHorizontalPodAutoscaler,
  horizontalPodAutoscalerTableColumns,
  horizontalPodAutoscalerTableRow,
  horizontalPodAutoscalerType,
  validateHorizontalPodAutoscaler,
} from '../../../api/autoscaling/v2/horizontal-pod-autoscaler.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const horizontalPodAutoscalerStrategy: ResourceStrategy = defineStrategy({
  type: horizontalPodAutoscalerType,
  hasStatus: true,
  applyDefaults: defaultHorizontalPodAutoscaler,
  validateCreate: validateHorizontalPodAutoscaler,
  validateUpdate: validateHorizontalPodAutoscaler,
  tableColumns: horizontalPodAutoscalerTableColumns,
  tableRow: horizontalPodAutoscalerTableRow,
});
