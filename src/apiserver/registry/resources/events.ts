/** Events (core/v1). */
import { eventFieldSelectors, eventTableColumns, eventTableRow, eventType, validateEvent } from '../../../api/core/v1/event.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const eventStrategy: ResourceStrategy = defineStrategy({
  type: eventType,
  validateCreate: validateEvent,
  validateUpdate: validateEvent,
  tableColumns: eventTableColumns,
  tableRow: eventTableRow,
  fieldSelectors: eventFieldSelectors,
});
