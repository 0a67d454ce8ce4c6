/**
 * Nodes: a kubelet registers its node with its status, so a create keeps the status; later
 * main-resource updates keep the stored status (the kubelet writes it through nodes/status).
 */
import { defaultNode, nodeFieldSelectors, nodeTableColumns, nodeTableRow, nodeType, validateNode, validateNodeUpdate } from '../../../api/core/v1/node.ts';
import { defineStrategy } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const nodeStrategy: ResourceStrategy = defineStrategy({
  type: nodeType,
  hasStatus: true,
  applyDefaults: defaultNode,
  prepareForCreate: () => undefined,
  validateCreate: validateNode,
  validateUpdate: validateNodeUpdate,
  changesGeneration: () => false,
  tableColumns: nodeTableColumns,
  tableRow: nodeTableRow,
  fieldSelectors: nodeFieldSelectors,
});
