/**
 * Namespaces: created Active with the `kubernetes` finalizer; deletion marks them Terminating
 * and waits until spec.finalizers is empty (the finalize subresource clears it). No namespace
 * is deleted by a collection DELETE (405).
 */
import {
  beginNamespaceDeletion,
  defaultNamespace,
  namespaceDeletionBlockers,
  namespaceFieldSelectors,
  namespaceTableColumns,
  namespaceTableRow,
  namespaceType,
  prepareNamespaceForCreate,
  prepareNamespaceForUpdate,
  validateNamespace,
  validateNamespaceName,
} from '../../../api/core/v1/namespace.ts';
import { defineStrategy, keepStatus } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const namespaceStrategy: ResourceStrategy = defineStrategy({
  type: namespaceType,
  nameValidator: validateNamespaceName,
  hasStatus: true,
  deleteCollection: false,
  applyDefaults: defaultNamespace,
  prepareForCreate: prepareNamespaceForCreate,
  prepareForUpdate: (obj, old) => {
    prepareNamespaceForUpdate(obj, old);
    keepStatus(obj, old);
  },
  validateCreate: validateNamespace,
  validateUpdate: validateNamespace,
  deletionBlockers: namespaceDeletionBlockers,
  beginDeletion: beginNamespaceDeletion,
  changesGeneration: () => false,
  tableColumns: namespaceTableColumns,
  tableRow: namespaceTableRow,
  fieldSelectors: namespaceFieldSelectors,
});
