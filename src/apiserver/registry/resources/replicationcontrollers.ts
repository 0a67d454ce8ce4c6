/**
 * ReplicationControllers: status and scale subresources. Their selector is a plain label map,
 * so the scale subresource reports it as `k=v,...`. The replicationcontroller-controller keeps
 * their pods.
 */
import {
  defaultReplicationController,
  replicationControllerSelector,
  replicationControllerTableColumns,
  replicationControllerTableRow,
  replicationControllerType,
  validateReplicationController,
} from '../../../api/core/v1/replication-controller.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';
import { replicasScale } from './scale.ts';

export const replicationControllerStrategy: ResourceStrategy = defineStrategy({
  type: replicationControllerType,
  hasStatus: true,
  scale: { ...replicasScale, selector: replicationControllerSelector },
  applyDefaults: defaultReplicationController,
  validateCreate: validateReplicationController,
  validateUpdate: validateReplicationController,
  tableColumns: replicationControllerTableColumns,
  tableRow: replicationControllerTableRow,
});
