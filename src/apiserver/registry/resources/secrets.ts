/** Secrets: stringData folded into data, typed payload checks, the 1 MiB limit. */
import { defaultSecret, secretFieldSelectors, secretTableColumns, secretTableRow, secretType, validateSecret, validateSecretUpdate } from '../../../api/core/v1/secret.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const secretStrategy: ResourceStrategy = defineStrategy({
  type: secretType,
  applyDefaults: defaultSecret,
  validateCreate: validateSecret,
  validateUpdate: validateSecretUpdate,
  tableColumns: secretTableColumns,
  tableRow: secretTableRow,
  fieldSelectors: secretFieldSelectors,
});
