/** StatefulSets: status and scale subresources. */
import {
  defaultStatefulSet,
  statefulSetTableColumns,
  statefulSetTableRow,
  statefulSetType,
  validateStatefulSet,
  validateStatefulSetUpdate,
  validateStatefulSetName,
} from '../../../api/apps/v1/statefulset.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';
import { replicasScale } from './scale.ts';

export const statefulSetStrategy: ResourceStrategy = defineStrategy({
  type: statefulSetType,
  nameValidator: validateStatefulSetName,
  hasStatus: true,
  scale: replicasScale,
  applyDefaults: defaultStatefulSet,
  validateCreate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  tableColumns: statefulSetTableColumns,
  tableRow: statefulSetTableRow,
});
