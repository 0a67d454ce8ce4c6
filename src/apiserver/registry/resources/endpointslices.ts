/** EndpointSlices: no spec, so any change of endpoints, ports, address type or labels bumps the generation. */
import {
  defaultEndpointSlice,
  endpointSliceTableColumns,
  endpointSliceTableRow,
  endpointSliceType,
  validateEndpointSlice,
  validateEndpointSliceUpdate,
} from '../../../api/discovery/v1/endpoint-slice.ts';
import type { KubeObject } from '../../../api/meta/types.ts';
import { deepEqual } from '../../../util/deep-equal.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

function content(obj: KubeObject): unknown {
  return { addressType: obj.addressType, endpoints: obj.endpoints, ports: obj.ports, labels: obj.metadata.labels };
}

export const endpointSliceStrategy: ResourceStrategy = defineStrategy({
  type: endpointSliceType,
  applyDefaults: defaultEndpointSlice,
  validateCreate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
  changesGeneration: (obj, old) => !deepEqual(content(obj), content(old)),
  tableColumns: endpointSliceTableColumns,
  tableRow: endpointSliceTableRow,
});
