/** Jobs: status subresource; the selector is generated from the job's uid on create. */
import { defaultJob, jobFieldSelectors, jobTableColumns, jobTableRow, jobType, prepareJobForCreate, validateJob, validateJobUpdate } from '../../../api/batch/v1/job.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const jobStrategy: ResourceStrategy = defineStrategy({
  type: jobType,
  hasStatus: true,
  applyDefaults: defaultJob,
  prepareForCreate: prepareJobForCreate,
  validateCreate: validateJob,
  validateUpdate: validateJobUpdate,
  tableColumns: jobTableColumns,
  tableRow: jobTableRow,
  fieldSelectors: jobFieldSelectors,
});
