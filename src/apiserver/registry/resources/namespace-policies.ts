/**
 * ResourceQuotas (status subresource, status.used kept by the resource-quota controller) and
 * LimitRanges (defaulted and validated; applied to new pods by limit range admission, see pods.ts).
 */
import { defaultLimitRange, limitRangeTableColumns, limitRangeTableRow, limitRangeType, validateLimitRange } from '../../../api/core/v1/limit-range.ts';
import { resourceQuotaTableColumns, resourceQuotaTableRow, resourceQuotaType, validateResourceQuota } from '../../../api/core/v1/resource-quota.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const resourceQuotaStrategy: ResourceStrategy = defineStrategy({
  type: resourceQuotaType,
  hasStatus: true,
  validateCreate: validateResourceQuota,
  validateUpdate: validateResourceQuota,
  tableColumns: resourceQuotaTableColumns,
  tableRow: resourceQuotaTableRow,
});

export const limitRangeStrategy: ResourceStrategy = defineStrategy({
  type: limitRangeType,
  applyDefaults: defaultLimitRange,
  validateCreate: validateLimitRange,
  validateUpdate: validateLimitRange,
  tableColumns: limitRangeTableColumns,
  tableRow: limitRangeTableRow,
});
