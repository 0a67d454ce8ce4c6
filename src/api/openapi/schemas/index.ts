/**
 * The built-in schemas k8ts publishes, by the group/version they belong to.
 *
 * Registration point for built-in kinds: write the kind's schemas in a file of this folder
 * (`kindWithList(...)` gives the kind and its list, tagged with x-kubernetes-group-version-kind)
 * and add the set under its group/version in BUILTIN_SCHEMAS. Every served resource whose kind
 * has a schema here gets it in its /openapi/v3 document, and the same schema drives field
 * validation, strategic merge patch and server-side apply for it. Kinds added while the server
 * runs (custom resources) register through the server's OpenApiCatalog instead
 * (src/apiserver/openapi-catalog.ts).
 */
import { createSchemaRegistry, type SchemaRegistry } from '../registry.ts';
import type { SchemaSet } from '../schema-types.ts';
import { accessReviewSchemas } from './access-review.ts';
import { apiextensionsV1Schemas } from './apiextensions-v1.ts';
import { appsV1Schemas } from './apps-v1.ts';
import { batchV1Schemas } from './batch-v1.ts';
import { autoscalingV1Schemas, coordinationV1Schemas, discoveryV1Schemas } from './cluster-kinds.ts';
import { autoscalingV2Schemas } from './autoscaling-v2.ts';
import { coreV1ConfigSchemas } from './core-v1-config.ts';
import { coreV1ContainerSchemas } from './core-v1-container.ts';
import { coreV1EventSchemas } from './core-v1-event.ts';
import { coreV1NodeSchemas } from './core-v1-node.ts';
import { coreV1PodSchemas } from './core-v1-pod.ts';
import { coreV1PolicySchemas } from './core-v1-policy.ts';
import { coreV1SchedulingSchemas } from './core-v1-scheduling.ts';
import { coreV1ServiceSchemas } from './core-v1-service.ts';
import { coreV1StorageSchemas } from './core-v1-storage.ts';
import { coreV1VolumeSchemas } from './core-v1-volume.ts';
import { coreV1WorkloadSchemas } from './core-v1-workload.ts';
import { metaV1Schemas } from './meta-v1.ts';
import { policyV1Schemas } from './policy-v1.ts';
import { networkingV1Schemas } from './networking-v1.ts';
import { rbacV1Schemas } from './rbac-v1.ts';
import { schedulingV1Schemas } from './scheduling-v1.ts';
import { storageV1Schemas } from './storage-v1.ts';

/**
 * Schema sets by group/version (`v1` for the core group, `meta/v1` for the shared metadata
 * types). The keys document ownership; documents pick the schemas their paths reach.
 */
export const BUILTIN_SCHEMAS: Readonly<Record<string, readonly SchemaSet[]>> = {
  'meta/v1': [metaV1Schemas],
  v1: [
    coreV1PodSchemas,
    coreV1ContainerSchemas,
    coreV1VolumeSchemas,
    coreV1SchedulingSchemas,
    coreV1ServiceSchemas,
    coreV1ConfigSchemas,
    coreV1NodeSchemas,
    coreV1EventSchemas,
    coreV1StorageSchemas,
    coreV1PolicySchemas,
    coreV1WorkloadSchemas,
  ],
  'apps/v1': [appsV1Schemas],
  'batch/v1': [batchV1Schemas],
  'autoscaling/v1': [autoscalingV1Schemas],
  'autoscaling/v2': [autoscalingV2Schemas],
  'networking.k8s.io/v1': [networkingV1Schemas],
  'scheduling.k8s.io/v1': [schedulingV1Schemas],
  'storage.k8s.io/v1': [storageV1Schemas],
  'coordination.k8s.io/v1': [coordinationV1Schemas],
  'discovery.k8s.io/v1': [discoveryV1Schemas],
  'policy/v1': [policyV1Schemas],
  'rbac.authorization.k8s.io/v1': [rbacV1Schemas],
  // The access reviews of authorization.k8s.io/v1 and SelfSubjectReview of authentication.k8s.io/v1.
  'authorization.k8s.io/v1': [accessReviewSchemas],
  'apiextensions.k8s.io/v1': [apiextensionsV1Schemas],
};

/** Every built-in schema in one registry. */
export const builtinSchemaRegistry: SchemaRegistry = createSchemaRegistry(...Object.values(BUILTIN_SCHEMAS).flat());
