/** ConfigMaps: key syntax, the 1 MiB limit, and immutability once `immutable` is set. */
import { configMapTableColumns, configMapTableRow, configMapType, validateConfigMap, validateConfigMapUpdate } from '../../../api/core/v1/configmap.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const configMapStrategy: ResourceStrategy = defineStrategy({
  type: configMapType,
  validateCreate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
  tableColumns: configMapTableColumns,
  tableRow: configMapTableRow,
});
