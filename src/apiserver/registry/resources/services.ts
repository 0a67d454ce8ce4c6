/**
 * Services: allocated cluster IPs and node ports survive updates that omit them; the allocator
 * (registry/allocation/service-allocator.ts) takes and gives back the addresses and ports.
 */
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
import type { ResourceAllocator, ResourceStrategy } from '../strategy.ts';

/** The Service strategy, allocating from `allocator` (a ServiceAllocator in a running apiserver). */
export function serviceStrategy(allocator: ResourceAllocator): ResourceStrategy {
  return defineStrategy({
    type: serviceType,
    nameValidator: validateServiceName,
    hasStatus: true,
    applyDefaults: defaultService,
    prepareForCreate: prepareServiceForCreate,
    prepareForUpdate: prepareServiceForUpdate,
    validateCreate: validateService,
    validateUpdate: validateServiceUpdate,
    allocator,
    changesGeneration: () => false,
    tableColumns: serviceTableColumns,
    tableRow: serviceTableRow,
  });
}
