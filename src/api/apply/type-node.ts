/**
 * The view of a kind's OpenAPI schema that server-side apply needs: at each position, whether
 * the value is a scalar, an object (granular: field by field, or atomic: owned whole), or a
 * list (atomic, a set of scalars, or a map keyed by some of its elements' fields).
 *
 * Lists: `x-kubernetes-list-type` decides (`map` keys on `x-kubernetes-list-map-keys`); a list
 * without one is keyed by its `x-kubernetes-patch-merge-key` when its patch strategy merges, a
 * merged list of scalars is a set, and every other list is atomic. Objects are atomic with
 * `x-kubernetes-map-type: atomic`. Where the schema says nothing (no schema, fields it does
 * not declare, `x-kubernetes-preserve-unknown-fields`) the value itself decides, as upstream's
 * "deduced" type: objects are granular, lists atomic, the rest scalars.
 * Upstream: k8s.io/kube-openapi pkg/schemaconv (OpenAPI to structured-merge-diff schema),
 * sigs.k8s.io/structured-merge-diff schema/elements.go.
 */
import type { KindSchema } from '../openapi/registry.ts';
import type { OpenApiSchema } from '../openapi/schema-types.ts';

export type TypeNode = ScalarNode | ObjectNode | ListNode | UntypedNode;

export interface ScalarNode {
  readonly kind: 'scalar';
}

/** A position whose type follows its value. */
export interface UntypedNode {
  readonly kind: 'untyped';
}

export interface ObjectNode {
  readonly kind: 'object';
  /** Owned and replaced as a whole. */
  readonly atomic: boolean;
  /** A structure with declared fields (as opposed to a map of arbitrary keys). */
  readonly structured: boolean;
  /** Whether `name` is a declared field (as opposed to a map key, or an undeclared field). */
  isField(name: string): boolean;
  /** The type of field or map key `name`. */
  child(name: string): TypeNode;
}

export interface ListNode {
  readonly kind: 'list';
  readonly relation: 'atomic' | 'set' | 'map';
  /** For `map` lists: the fields identifying an element, in schema order. */
  readonly keys: readonly string[];
  /** Values of key fields an element may omit (`protocol: TCP` of ports). */
  readonly keyDefaults: Readonly<Record<string, unknown>>;
  readonly items: TypeNode;
}

export const UNTYPED: UntypedNode = { kind: 'untyped' };
const SCALAR: ScalarNode = { kind: 'scalar' };
const DEDUCED_OBJECT: ObjectNode = { kind: 'object', atomic: false, structured: false, isField: () => false, child: () => UNTYPED };
const DEDUCED_LIST: ListNode = { kind: 'list', relation: 'atomic', keys: [], keyDefaults: {}, items: UNTYPED };

/** The concrete node for `value` at a position typed `node` (untyped positions deduce it). */
export function nodeFor(node: TypeNode, value: unknown): ScalarNode | ObjectNode | ListNode {
  if (node.kind !== 'untyped') return node;
  if (Array.isArray(value)) return DEDUCED_LIST;
  if (typeof value === 'object' && value !== null) return DEDUCED_OBJECT;
  return SCALAR;
}

/** Builds (lazily, once per schema object) the type nodes of one schema registry. */
export class TypeNodes {
  readonly #resolve: KindSchema['resolve'];
  readonly #cache = new WeakMap<OpenApiSchema, TypeNode>();

  constructor(resolve: KindSchema['resolve']) {
    this.#resolve = resolve;
  }

  /** The node of `schema` (a property schema: list extensions sit on it, not on its target). */
  of(schema: OpenApiSchema | undefined): TypeNode {
    if (schema === undefined) return UNTYPED;
    const cached = this.#cache.get(schema);
    if (cached !== undefined) return cached;
    const node = this.#build(schema);
    this.#cache.set(schema, node);
    return node;
  }

  #build(property: OpenApiSchema): TypeNode {
    const s = this.#resolve(property);
    if (s === undefined) return UNTYPED;
    if (s['x-kubernetes-int-or-string'] === true) return SCALAR;
    if (s.type === 'array' || s.items !== undefined) return this.#list(property, s);
    if (s.type === 'object' || s.properties !== undefined || s.additionalProperties !== undefined) return this.#object(s);
    if (s.type === undefined) return UNTYPED;
    return SCALAR;
  }

  #list(property: OpenApiSchema, s: OpenApiSchema): ListNode {
    const itemSchema = s.items;
    let itemsNode: TypeNode | undefined;
    const of = (schema: OpenApiSchema | undefined): TypeNode => this.of(schema);
    const base = {
      kind: 'list' as const,
      get items(): TypeNode {
        itemsNode ??= of(itemSchema);
        return itemsNode;
      },
    };
    const listType = s['x-kubernetes-list-type'] ?? property['x-kubernetes-list-type'];
    const strategy = s['x-kubernetes-patch-strategy'] ?? property['x-kubernetes-patch-strategy'];
    const mergeKey = s['x-kubernetes-patch-merge-key'] ?? property['x-kubernetes-patch-merge-key'];
    const declaredKeys = s['x-kubernetes-list-map-keys'] ?? property['x-kubernetes-list-map-keys'];
    let relation: ListNode['relation'] = 'atomic';
    let keys: readonly string[] = [];
    if (listType === 'map') {
      keys = declaredKeys ?? (mergeKey === undefined ? [] : [mergeKey]);
      relation = keys.length > 0 ? 'map' : 'atomic';
    } else if (listType === 'set') {
      relation = 'set';
    } else if (listType === undefined && (strategy ?? '').split(',').includes('merge')) {
      if (mergeKey !== undefined) {
        keys = [mergeKey];
        relation = 'map';
      } else {
        relation = 'set';
      }
    }
    const keyDefaults: Record<string, unknown> = {};
    if (relation === 'map' && itemSchema !== undefined) {
      const props = this.#resolve(itemSchema)?.properties ?? {};
      for (const key of keys) {
        const field = props[key];
        const value = field === undefined ? undefined : (field.default ?? this.#resolve(field)?.default);
        if (value !== undefined) keyDefaults[key] = value;
      }
    }
    return Object.assign(base, { relation, keys, keyDefaults });
  }

  #object(s: OpenApiSchema): ObjectNode {
    const properties = s.properties ?? {};
    const values = s.additionalProperties;
    const valuesSchema = typeof values === 'object' ? values : undefined;
    // Only declared fields are cached: map keys are unbounded (labels, data).
    const fields = new Map<string, TypeNode>();
    let valuesNode: TypeNode | undefined;
    return {
      kind: 'object',
      atomic: s['x-kubernetes-map-type'] === 'atomic',
      structured: Object.keys(properties).length > 0,
      isField: (name) => Object.prototype.hasOwnProperty.call(properties, name),
      child: (name) => {
        if (Object.prototype.hasOwnProperty.call(properties, name)) {
          let node = fields.get(name);
          if (node === undefined) {
            node = this.of(properties[name]);
            fields.set(name, node);
          }
          return node;
        }
        valuesNode ??= valuesSchema !== undefined ? this.of(valuesSchema) : UNTYPED;
        return valuesNode;
      },
    };
  }
}
