/** Services: allocated cluster IPs and node ports survive updates that omit them. */
import {
  defaultService,
  prepareServiceForCreate,
  prepareServiceForUpdate,
  serviceType,
  validateService,
  validateServiceUpdate,
  validateServiceName,
} from '../../../api/core/v1/service.ts';
import { serviceTableColumns, serviceTableRow } from '../../../api/core/v1/service-table.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const serviceStrategy: ResourceStrategy = defineStrategy({
  type: serviceType,
  nameValidator: validateServiceName,
  hasStatus: true,
  applyDefaults: defaultService,
  prepareForCreate: prepareServiceForCreate,
  prepareForUpdate: prepareServiceForUpdate,
  validateCreate: validateService,
  validateUpdate: validateServiceUpdate,
  changesGeneration: () => false,
  tableColumns: serviceTableColumns,
  tableRow: serviceTableRow,
});
