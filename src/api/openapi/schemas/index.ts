/** The registry of every built-in schema k8ts publishes. */
import { createSchemaRegistry, type SchemaRegistry } from '../registry.ts';
import { accessReviewSchemas } from './access-review.ts';
import { apiextensionsV1Schemas } from './apiextensions-v1.ts';
import { appsV1Schemas } from './apps-v1.ts';
import { batchV1Schemas } from './batch-v1.ts';
import { clusterKindSchemas } from './cluster-kinds.ts';
import { coreV1ConfigSchemas } from './core-v1-config.ts';
import { coreV1ContainerSchemas } from './core-v1-container.ts';
import { coreV1EventSchemas } from './core-v1-event.ts';
import { coreV1NodeSchemas } from './core-v1-node.ts';
import { coreV1PodSchemas } from './core-v1-pod.ts';
import { coreV1SchedulingSchemas } from './core-v1-scheduling.ts';
import { coreV1ServiceSchemas } from './core-v1-service.ts';
import { coreV1VolumeSchemas } from './core-v1-volume.ts';
import { metaV1Schemas } from './meta-v1.ts';
import { rbacV1Schemas } from './rbac-v1.ts';

export const builtinSchemaRegistry: SchemaRegistry = createSchemaRegistry(
  metaV1Schemas,
  coreV1PodSchemas,
  coreV1ContainerSchemas,
  coreV1VolumeSchemas,
  coreV1SchedulingSchemas,
  coreV1ServiceSchemas,
  coreV1ConfigSchemas,
  coreV1NodeSchemas,
  coreV1EventSchemas,
  appsV1Schemas,
  batchV1Schemas,
  clusterKindSchemas,
  rbacV1Schemas,
  accessReviewSchemas,
  apiextensionsV1Schemas,
);
