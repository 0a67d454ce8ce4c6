/** Deployments: status and scale subresources; generation follows spec changes. */
import {
  defaultDeployment,
  deploymentTableColumns,
  deploymentTableRow,
  deploymentType,
  validateDeployment,
  validateDeploymentUpdate,
} from '../../../api/apps/v1/deployment.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';
import { replicasScale } from './scale.ts';

export const deploymentStrategy: ResourceStrategy = defineStrategy({
  type: deploymentType,
  hasStatus: true,
  scale: replicasScale,
  applyDefaults: defaultDeployment,
  validateCreate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
  tableColumns: deploymentTableColumns,
  tableRow: deploymentTableRow,
});
