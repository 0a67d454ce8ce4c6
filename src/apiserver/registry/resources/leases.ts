/** Leases: written with compare-and-swap by leader election and node heartbeats. */
import { leaseTableColumns, leaseTableRow, leaseType, validateLease } from '../../../api/coordination/v1/lease.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const leaseStrategy: ResourceStrategy = defineStrategy({
  type: leaseType,
  validateCreate: validateLease,
  validateUpdate: validateLease,
  changesGeneration: () => false,
  tableColumns: leaseTableColumns,
  tableRow: leaseTableRow,
});
