/** Pods: graceful deletion for pods bound to a node; spec nearly immutable; status via pods/status. */
import { defaultPod, podFieldSelectors, podGracePeriodSeconds, podType, preparePodForCreate, validatePod, validatePodUpdate } from '../../../api/core/v1/pod.ts';
import { podTableColumns, podTableRow } from '../../../api/core/v1/pod-table.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const podStrategy: ResourceStrategy = defineStrategy({
  type: podType,
  hasStatus: true,
  gracePeriodSeconds: podGracePeriodSeconds,
  applyDefaults: defaultPod,
  prepareForCreate: preparePodForCreate,
  validateCreate: validatePod,
  validateUpdate: validatePodUpdate,
  // Pods do not track generations of their spec (only images and a few fields can change).
  changesGeneration: () => false,
  tableColumns: podTableColumns,
  tableRow: podTableRow,
  fieldSelectors: podFieldSelectors,
});
