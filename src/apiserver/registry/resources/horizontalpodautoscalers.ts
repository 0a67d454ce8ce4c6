/** HorizontalPodAutoscalers (autoscaling/v2, and v1): status subresource; stored and served only (no controller). */
import {
  defaultHorizontalPodAutoscalerV1,
  horizontalPodAutoscalerV1Type,
  hpaV1ToV2,
  hpaV2ToV1,
  STATUS_ANNOTATIONS,
  validateHorizontalPodAutoscalerV1,
} from '../../../api/autoscaling/v1/horizontal-pod-autoscaler.ts';
import {
  defaultHorizontalPodAutoscaler,
  horizontalPodAutoscalerTableColumns,
  horizontalPodAutoscalerTableRow,
  horizontalPodAutoscalerType,
  validateHorizontalPodAutoscaler,
} from '../../../api/autoscaling/v2/horizontal-pod-autoscaler.ts';
import { defineStrategy, keepStatus } from '../define-strategy.ts';
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

/**
 * autoscaling/v1 HorizontalPodAutoscalers: the same objects, stored as v2 and converted on every
 * read and write (see api/autoscaling/v1). A main-resource update keeps the status and the
 * annotations that mirror it.
 */
export const horizontalPodAutoscalerV1Strategy: ResourceStrategy = defineStrategy({
  type: horizontalPodAutoscalerV1Type,
  storageVersion: 'v2',
  hasStatus: true,
  fromStorage: hpaV2ToV1,
  toStorage: hpaV1ToV2,
  applyDefaults: defaultHorizontalPodAutoscalerV1,
  prepareForUpdate: (obj, old) => {
    keepStatus(obj, old);
    const annotations: Record<string, string> = { ...obj.metadata.annotations };
    for (const a of STATUS_ANNOTATIONS) {
      const kept = old.metadata.annotations?.[a];
      if (kept === undefined) delete annotations[a];
      else annotations[a] = kept;
    }
    if (Object.keys(annotations).length > 0) obj.metadata.annotations = annotations;
    else delete obj.metadata.annotations;
  },
  validateCreate: validateHorizontalPodAutoscalerV1,
  validateUpdate: validateHorizontalPodAutoscalerV1,
  tableColumns: horizontalPodAutoscalerTableColumns,
  tableRow: (obj, now) => horizontalPodAutoscalerTableRow(hpaV1ToV2(obj), now),
});
