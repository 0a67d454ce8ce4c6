/**
 * Namespaces: created Active with the `kubernetes` finalizer; deletion marks them Terminating
 * and waits until spec.finalizers is empty (the finalize subresource clears it). default,
 * kube-system and kube-public are never deleted (403), and no namespace is deleted by a
 * collection DELETE (405).
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
  UNDELETABLE_NAMESPACES,
  validateNamespace,
  validateNamespaceName,
} from '../../../api/core/v1/namespace.ts';
import { forbidden } from '../../errors.ts';
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
  admitDelete: (obj) => {
    const name = obj.metadata.name ?? '';
    if (UNDELETABLE_NAMESPACES.has(name)) {
      throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, group: '', kind: 'namespaces' });
    }
  },
  deletionBlockers: namespaceDeletionBlockers,
  beginDeletion: beginNamespaceDeletion,
  changesGeneration: () => false,
  tableColumns: namespaceTableColumns,
  tableRow: namespaceTableRow,
  fieldSelectors: namespaceFieldSelectors,
});
