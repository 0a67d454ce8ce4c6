/** CronJobs: a status subresource; the schedule and time zone are validated here, run by a controller. */
import { cronJobTableColumns, cronJobTableRow, cronJobType, defaultCronJob, validateCronJob, validateCronJobCreate } from '../../../api/batch/v1/cronjob.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const cronJobStrategy: ResourceStrategy = defineStrategy({
  type: cronJobType,
  hasStatus: true,
  applyDefaults: defaultCronJob,
  validateCreate: validateCronJobCreate,
  validateUpdate: validateCronJob,
  tableColumns: cronJobTableColumns,
  tableRow: cronJobTableRow,
});
