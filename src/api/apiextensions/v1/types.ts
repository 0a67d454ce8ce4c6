/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition as plain data: the types the server reads
 * from a CRD, its resource type, and the names of its conditions and finalizer. Everything else
 * about CRDs (defaults, validation, naming, schemas) lives in the files next to this one.
 */
import type { KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';

export const APIEXTENSIONS_GROUP = 'apiextensions.k8s.io';

export const crdType: ResourceType = {
  group: APIEXTENSIONS_GROUP,
  version: 'v1',
  kind: 'CustomResourceDefinition',
  resource: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  listKind: 'CustomResourceDefinitionList',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
};

/**
 * The finalizer a CRD gets when its deletion starts: it stays until every object of the custom
 * resource is gone, so deleting a CRD deletes its objects.
 */
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** An OpenAPI v3 schema as written in a CRD (only what k8ts reads is typed). */
export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  title?: string;
  nullable?: boolean;
  default?: unknown;
  example?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps | JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  $ref?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: unknown[];
  [keyword: string]: unknown;
}

export interface CustomResourceDefinitionNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CustomResourceColumnDefinition {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface CustomResourceSubresourceScale {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CustomResourceSubresources {
  status?: Record<string, never>;
  scale?: CustomResourceSubresourceScale;
}

export interface SelectableField {
  jsonPath: string;
}

export interface CustomResourceDefinitionVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: CustomResourceSubresources;
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
  selectableFields?: SelectableField[];
}

export interface CustomResourceConversion {
  strategy: string;
  webhook?: unknown;
}

export interface CustomResourceDefinitionSpec {
  group: string;
  names: CustomResourceDefinitionNames;
  scope: string;
  versions: CustomResourceDefinitionVersion[];
  conversion?: CustomResourceConversion;
  preserveUnknownFields?: boolean;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface CustomResourceDefinitionCondition {
  type: string;
  status: ConditionStatus;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface CustomResourceDefinitionStatus {
  acceptedNames?: CustomResourceDefinitionNames;
  conditions?: CustomResourceDefinitionCondition[];
  storedVersions?: string[];
}

/** A CRD as stored: spec and status typed, the rest of the object as any KubeObject. */
export interface CustomResourceDefinition extends KubeObject {
  spec: CustomResourceDefinitionSpec;
  status?: CustomResourceDefinitionStatus;
}

/** The condition types a CRD's status carries. */
export const NAMES_ACCEPTED = 'NamesAccepted';
export const ESTABLISHED = 'Established';
export const TERMINATING = 'Terminating';

/** The CRD's condition of `type`, if any. */
export function crdCondition(crd: CustomResourceDefinition, type: string): CustomResourceDefinitionCondition | undefined {
  return crd.status?.conditions?.find((c) => c.type === type);
}

/** Whether the CRD's condition of `type` is True. */
export function crdConditionTrue(crd: CustomResourceDefinition, type: string): boolean {
  return crdCondition(crd, type)?.status === 'True';
}

/** The version objects are stored in (the one with `storage: true`), if exactly one is. */
export function storageVersionOf(crd: CustomResourceDefinition): string | undefined {
  const versions: unknown = crd.spec?.versions;
  const storage = (Array.isArray(versions) ? (versions as CustomResourceDefinitionVersion[]) : []).filter((v) => v?.storage === true);
  return storage.length === 1 ? storage[0]!.name : undefined;
}
