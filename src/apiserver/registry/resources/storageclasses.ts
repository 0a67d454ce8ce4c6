/** storage.k8s.io/v1 StorageClasses (cluster-scoped; stored and served only, no provisioner). */
import {
  defaultStorageClass,
  storageClassTableColumns,
  storageClassTableRow,
  storageClassType,
  validateStorageClass,
  validateStorageClassUpdate,
} from '../../../api/storage/v1/storage-class.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const storageClassStrategy: ResourceStrategy = defineStrategy({
  type: storageClassType,
  applyDefaults: defaultStorageClass,
  validateCreate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
  tableColumns: storageClassTableColumns,
  tableRow: storageClassTableRow,
});
