/** DaemonSets: status subresource. */
import {
  daemonSetTableColumns,
  daemonSetTableRow,
  daemonSetType,
  defaultDaemonSet,
  validateDaemonSet,
  validateDaemonSetUpdate,
} from '../../../api/apps/v1/daemonset.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const daemonSetStrategy: ResourceStrategy = defineStrategy({
  type: daemonSetType,
  hasStatus: true,
  applyDefaults: defaultDaemonSet,
  validateCreate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
  tableColumns: daemonSetTableColumns,
  tableRow: daemonSetTableRow,
});
