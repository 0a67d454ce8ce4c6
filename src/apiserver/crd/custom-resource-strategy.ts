/**
 * The ResourceStrategy of one served version of a CRD, assembled from the pure pieces in
 * src/api/apiextensions/v1/custom-resource.ts: objects are pruned and defaulted by the version's
 * schema (on writes, and on reads: what another version wrote, or what an older schema let in,
 * is served as this version's schema says), validated by it (with ratcheting on update),
 * stored in the CRD's storage version,
 * listed with the version's printer columns, and scaled through its scale paths. Strategic
 * merge patches are refused (415), as upstream refuses them for custom resources.
 */
import {
  customResourceFieldSelectors,
  customResourceGenerationChanged,
  customResourceScale,
  customResourceTable,
  customResourceType,
  customResourceValidator,
  normalizeCustomResource,
  versionSchema,
} from '../../api/apiextensions/v1/custom-resource.ts';
import { storageVersionOf, type CustomResourceDefinition, type CustomResourceDefinitionVersion } from '../../api/apiextensions/v1/types.ts';
import { deepEqual } from '../../util/deep-equal.ts';
import { ApiError } from '../errors.ts';
import { defineStrategy, keepStatus } from '../registry/define-strategy.ts';
import type { ResourceStrategy } from '../registry/strategy.ts';

export function customResourceStrategy(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion): ResourceStrategy {
  const type = customResourceType(crd, version.name);
  const schema = versionSchema(version);
  const hasStatus = version.subresources?.status !== undefined && version.subresources.status !== null;
  const scale = version.subresources?.scale !== undefined && version.subresources.scale !== null ? customResourceScale(version.subresources.scale) : null;
  const validator = customResourceValidator(schema, scale);
  const table = customResourceTable(version);
  const terminating = crd.metadata.deletionTimestamp !== undefined;
  return defineStrategy({
    type,
    storageVersion: storageVersionOf(crd) ?? version.name,
    strategicMergePatch: false,
    hasStatus,
    scale,
    fromStorage: (stored) => {
      const obj = structuredClone(stored);
      normalizeCustomResource(obj, schema);
      return deepEqual(obj, stored) ? stored : obj;
    },
    applyDefaults: (obj) => normalizeCustomResource(obj, schema),
    prepareForCreate: (obj) => {
      if (terminating) {
        throw new ApiError(405, 'MethodNotAllowed', 'create not allowed while custom resource definition is terminating', {});
      }
      if (hasStatus) delete obj.status;
    },
    prepareForUpdate: (obj, old) => (hasStatus ? keepStatus(obj, old) : undefined),
    validateCreate: (obj) => validator.validateCreate(obj),
    validateUpdate: (obj, old) => validator.validateUpdate(obj, old),
    changesGeneration: customResourceGenerationChanged,
    tableColumns: table.columns,
    tableRow: (obj, now) => table.row(obj, now),
    fieldSelectors: customResourceFieldSelectors(version),
  });
}
