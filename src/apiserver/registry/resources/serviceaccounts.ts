/** ServiceAccounts. */
import { serviceAccountTableColumns, serviceAccountTableRow, serviceAccountType, validateServiceAccount } from '../../../api/core/v1/service-account.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const serviceAccountStrategy: ResourceStrategy = defineStrategy({
  type: serviceAccountType,
  validateCreate: validateServiceAccount,
  validateUpdate: validateServiceAccount,
  tableColumns: serviceAccountTableColumns,
  tableRow: serviceAccountTableRow,
});
