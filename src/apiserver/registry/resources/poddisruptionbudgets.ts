/** PodDisruptionBudgets: a status subresource written by the disruption controller and the eviction handler. */
import {
  podDisruptionBudgetTableColumns, podDisruptionBudgetTableRow, podDisruptionBudgetType, validatePodDisruptionBudget,
} from '../../../api/policy/v1/pod-disruption-budget.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const podDisruptionBudgetStrategy: ResourceStrategy = defineStrategy({
  type: podDisruptionBudgetType,
  hasStatus: true,
  validateCreate: validatePodDisruptionBudget,
  validateUpdate: validatePodDisruptionBudget,
  tableColumns: podDisruptionBudgetTableColumns,
  tableRow: podDisruptionBudgetTableRow,
});
