/**
 * The subset of OpenAPI 3.0 schema objects k8ts writes, with the Kubernetes vendor extensions
 * that clients read: kubectl's `explain` walks `properties`, `$ref` and `allOf`; `apply` reads the
 * patch extensions to compute strategic merge patches; the server reads the same extensions to
 * apply them (see ../patch/strategic-merge.ts).
 */
import type { GroupVersionKind } from '../meta/types.ts';

/** How a list merges in a strategic merge patch; `retainKeys` may be combined with the others. */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

/** One OpenAPI schema object (plain JSON data). */
export interface OpenApiSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly additionalProperties?: OpenApiSchema | boolean;
  readonly items?: OpenApiSchema;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  /** A reference with siblings is written as `allOf: [{$ref}]` (siblings of `$ref` are ignored in 3.0). */
  readonly allOf?: readonly OpenApiSchema[];
  /** `#/components/schemas/<name>`. */
  readonly $ref?: string;
  readonly 'x-kubernetes-patch-strategy'?: PatchStrategy;
  readonly 'x-kubernetes-patch-merge-key'?: string;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
  readonly 'x-kubernetes-int-or-string'?: true;
  readonly 'x-kubernetes-preserve-unknown-fields'?: true;
  /** On top-level kinds: the group/version/kinds the schema describes (kubectl matches on it). */
  readonly 'x-kubernetes-group-version-kind'?: readonly GroupVersionKind[];
}

/** Named component schemas, keyed like `io.k8s.api.core.v1.Pod`. */
export type SchemaSet = Readonly<Record<string, OpenApiSchema>>;

/** The prefix of a component reference. */
export const COMPONENT_REF_PREFIX = '#/components/schemas/';
