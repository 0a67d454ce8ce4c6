/** ControllerRevisions: immutable template snapshots of stateful sets and daemon sets. */
import {
  controllerRevisionTableColumns,
  controllerRevisionTableRow,
  controllerRevisionType,
  validateControllerRevision,
  validateControllerRevisionUpdate,
} from '../../../api/apps/v1/controller-revision.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const controllerRevisionStrategy: ResourceStrategy = defineStrategy({
  type: controllerRevisionType,
  validateCreate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
  // A revision has no spec; nothing about it is a new generation.
  changesGeneration: () => false,
  tableColumns: controllerRevisionTableColumns,
  tableRow: controllerRevisionTableRow,
});
