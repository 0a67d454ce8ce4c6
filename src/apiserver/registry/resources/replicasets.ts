/** ReplicaSets: status and scale subresources; `status.replicas` field selector. */
import {
  defaultReplicaSet,
  replicaSetFieldSelectors,
  replicaSetTableColumns,
  replicaSetTableRow,
  replicaSetType,
  validateReplicaSet,
  validateReplicaSetUpdate,
} from '../../../api/apps/v1/replicaset.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';
import { replicasScale } from './scale.ts';

export const replicaSetStrategy: ResourceStrategy = defineStrategy({
  type: replicaSetType,
  hasStatus: true,
  scale: replicasScale,
  applyDefaults: defaultReplicaSet,
  validateCreate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
  tableColumns: replicaSetTableColumns,
  tableRow: replicaSetTableRow,
  fieldSelectors: replicaSetFieldSelectors,
});
