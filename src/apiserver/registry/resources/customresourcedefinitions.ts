/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1): defaulted and validated as upstream
 * does, with a status subresource the server's CRD controller writes (accepted names,
 * conditions) and `status.storedVersions` kept by every write. Deleting a CRD first marks it
 * Terminating and gives it the cleanup finalizer; the CRD controller deletes its objects and
 * then the finalizer, and the CRD goes (src/apiserver/crd/crd-controller.ts).
 */
import { defaultCrd, recordStoredVersion } from '../../../api/apiextensions/v1/crd-defaults.ts';
import { setCondition, terminating } from '../../../api/apiextensions/v1/crd-naming.ts';
import { crdWarnings, validateCrd, validateCrdUpdate } from '../../../api/apiextensions/v1/crd-validation.ts';
import { CLEANUP_FINALIZER, crdType, type CustomResourceDefinition } from '../../../api/apiextensions/v1/types.ts';
import { defineStrategy, keepStatus } from '../define-strategy.ts';
import type { ResourceStrategy } from '../strategy.ts';

export const customResourceDefinitionStrategy: ResourceStrategy = defineStrategy({
  type: crdType,
  hasStatus: true,
  applyDefaults: defaultCrd,
  prepareForCreate: (obj) => {
    obj.status = {};
    recordStoredVersion(obj, undefined);
  },
  prepareForUpdate: (obj, old) => {
    keepStatus(obj, old);
    recordStoredVersion(obj, old);
  },
  validateCreate: validateCrd,
  validateUpdate: validateCrdUpdate,
  warnings: crdWarnings,
  // Until its deletion starts, a CRD is held back by the cleanup it will need; see beginDeletion.
  deletionBlockers: (obj) => (obj.metadata.deletionTimestamp === undefined ? [CLEANUP_FINALIZER] : []),
  beginDeletion: (obj) => {
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(CLEANUP_FINALIZER)) obj.metadata.finalizers = [...finalizers, CLEANUP_FINALIZER];
    const crd = obj as CustomResourceDefinition;
    const status = crd.status ?? {};
    status.conditions = setCondition(
      status.conditions ?? [],
      terminating('InstanceDeletionPending', 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon'),
      obj.metadata.deletionTimestamp ?? new Date().toISOString(),
    );
    crd.status = status;
  },
});
