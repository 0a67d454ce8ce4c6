/**
 * Wiring field ownership (src/api/apply) into writes: which type describes the kind, which
 * fields a write through the main resource or a subresource leaves alone, and the tracker the
 * generic store calls for creates, updates and non-apply patches.
 */
import { recordUpdate } from '../../api/apply/field-manager.ts';
import { FieldSet } from '../../api/apply/field-set.ts';
import { fieldElement } from '../../api/apply/path-element.ts';
import type { TypeNode } from '../../api/apply/type-node.ts';
import { apiVersionOf } from '../../api/resource-type.ts';
import { openApiCatalog } from '../openapi-catalog.ts';
import { formatTimestamp, type GenericStore, type WriteOptions } from '../registry/generic-store.ts';
import { fieldManagerOf, type RequestContext, type WriteOptionsKind } from './request-context.ts';

/** The subresource a write goes through ('' for the main resource). */
export type WriteSubresource = '' | 'status' | 'scale';

const STATUS = FieldSet.of([fieldElement('status')]);

export interface Ownership {
  readonly type: TypeNode;
  /** Fields the write cannot set: the status of kinds with a status subresource, on the main resource. */
  readonly ignored: FieldSet | undefined;
}

export function ownershipOf(ctx: RequestContext, store: GenericStore, subresource: WriteSubresource): Ownership {
  const strategy = store.strategy;
  return {
    type: openApiCatalog(ctx.registry).typeOf(strategy.type),
    ignored: subresource === '' && strategy.hasStatus ? STATUS : undefined,
  };
}

/** The time written into managedFields (RFC 3339, seconds). */
export function ownershipTime(): string {
  return formatTimestamp(new Date());
}

/**
 * The tracker recording a create, update or non-apply patch under the request's manager
 * (`fieldManager`, or the User-Agent's product name). Throws 422 for a malformed manager.
 */
export function updateTracker(ctx: RequestContext, store: GenericStore, subresource: WriteSubresource, kind: WriteOptionsKind): NonNullable<WriteOptions['trackFields']> {
  const manager = fieldManagerOf(ctx.req, ctx.url.searchParams, kind);
  const { type, ignored } = ownershipOf(ctx, store, subresource);
  const identity = {
    manager,
    operation: 'Update' as const,
    apiVersion: apiVersionOf(store.strategy.type),
    ...(subresource === '' ? {} : { subresource }),
  };
  return (next, current) => recordUpdate({ live: current, next, manager: identity, type, ignored, now: ownershipTime() });
}
