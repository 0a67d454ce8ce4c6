/** Endpoints: the addresses behind a service, written by the endpoints controller. */
import { defaultEndpoints, endpointsTableColumns, endpointsTableRow, endpointsType, validateEndpoints } from '../../../api/core/v1/endpoints.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const endpointsStrategy: ResourceStrategy = defineStrategy({
  type: endpointsType,
  applyDefaults: defaultEndpoints,
  validateCreate: validateEndpoints,
  validateUpdate: validateEndpoints,
  tableColumns: endpointsTableColumns,
  tableRow: endpointsTableRow,
});
