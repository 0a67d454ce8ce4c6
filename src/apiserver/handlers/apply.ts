/**
 * Server-side apply: PATCH with `application/apply-patch+yaml`. The body (YAML or JSON) is the
 * manager's whole intent for the object; `fieldManager` names the manager (required), `force`
 * takes over fields other managers own instead of answering 409. An object that does not exist
 * is created (201). JSON types and field validation apply to the configuration like to any
 * body, so a configuration of the wrong types is a 400 before anything is merged.
 * Upstream: k8s.io/apiserver pkg/endpoints/handlers/patch.go (applyPatcher).
 */
import { ApplyError } from '../../api/apply/apply-error.ts';
import { ApplyConflictError } from '../../api/apply/conflicts.ts';
import { applyConfiguration } from '../../api/apply/field-manager.ts';
import { FieldSet } from '../../api/apply/field-set.ts';
import { fieldElement } from '../../api/apply/path-element.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { apiVersionOf } from '../../api/resource-type.ts';
import { ApiError, badRequest } from '../errors.ts';
import { addWarnings, writeJson } from '../http/respond.ts';
import { checkBodyDepth } from '../http/request-body.ts';
import { decodeYaml } from '../http/yaml-body.ts';
import { openApiCatalog } from '../openapi-catalog.ts';
import type { GenericStore, UpdateTarget } from '../registry/generic-store.ts';
import { validateFields } from './field-validation.ts';
import { ownershipOf, ownershipTime, type WriteSubresource } from './field-ownership.ts';
import { fieldManagerOf, parseDryRun, parseFieldValidation, parseForce, type RequestContext } from './request-context.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as error messages show it: strings bare, anything else as JSON, absent as empty. */
function text(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The configuration of an apply body, checked to be about this object. */
async function readConfiguration(store: GenericStore, namespace: string, name: string, body: Buffer): Promise<{ config: KubeObject; duplicates: string[] }> {
  const { value, duplicates } = await decodeYaml(body.toString('utf8'));
  checkBodyDepth(value, 'the applied configuration');
  if (!isObject(value)) throw badRequest('error decoding YAML: an apply patch must be an object');
  const t = store.strategy.type;
  const expected = apiVersionOf(t);
  if (value['apiVersion'] !== expected) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${text(value['apiVersion'])}, expected: ${expected}`);
  }
  if (value['kind'] !== t.kind) {
    throw badRequest(`Incorrect kind specified in apply patch. Specified patch kind: ${text(value['kind'])}, expected: ${t.kind}`);
  }
  const metadata = value['metadata'] ?? {};
  if (!isObject(metadata)) throw badRequest('metadata must be an object');
  value['metadata'] = metadata;
  if (metadata['name'] === undefined || metadata['name'] === '') metadata['name'] = name;
  else if (metadata['name'] !== name) throw badRequest(`the name of the object (${text(metadata['name'])}) does not match the name on the URL (${name})`);
  if (t.namespaced && metadata['namespace'] !== undefined && metadata['namespace'] !== '' && metadata['namespace'] !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return { config: value as KubeObject, duplicates };
}

function asApiError(store: GenericStore, name: string, err: unknown): unknown {
  if (err instanceof ApplyConflictError) return new ApiError(409, 'Conflict', err.message, { causes: err.causes });
  if (err instanceof ApplyError) {
    if (err.reason === 'BadRequest') return badRequest(err.message);
    const t = store.strategy.type;
    const qualifiedKind = t.group === '' ? t.kind : `${t.kind}.${t.group}`;
    return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${err.message}`, {
      name,
      group: t.group,
      kind: t.kind,
      causes: [{ reason: 'FieldValueInvalid', message: err.message }],
    });
  }
  return err;
}

/** Serves an apply patch of `name` through the main resource or the status subresource. */
export async function handleApply(ctx: RequestContext, store: GenericStore, namespace: string, name: string, target: UpdateTarget, body: Buffer): Promise<void> {
  const q = ctx.url.searchParams;
  const manager = fieldManagerOf(ctx.req, q, 'PatchOptions', true);
  const force = parseForce(q, true);
  const dryRun = parseDryRun(q.getAll('dryRun'));
  const mode = parseFieldValidation(q);
  const { config, duplicates } = await readConfiguration(store, namespace, name, body);
  const catalog = openApiCatalog(ctx.registry);
  const warnings = validateFields(mode, config, duplicates, catalog, store.strategy.type);
  const subresource: WriteSubresource = target === 'status' ? 'status' : '';
  const ownership = ownershipOf(ctx, store, subresource);
  const type = ownership.type;
  // Through the status subresource only the status is written: nothing else is gained.
  const ignored =
    subresource === 'status'
      ? FieldSet.of(...Object.keys(config).filter((k) => k !== 'status').map((k) => [fieldElement(k)]))
      : ownership.ignored;
  const identity = {
    manager,
    operation: 'Apply' as const,
    apiVersion: apiVersionOf(store.strategy.type),
    ...(subresource === '' ? {} : { subresource }),
  };
  const precondition = typeof config.metadata.resourceVersion === 'string' && config.metadata.resourceVersion !== '' ? config.metadata.resourceVersion : undefined;
  // The managedFields the apply computed; written again once the strategy has prepared the
  // object, since a status write keeps everything but the status from the stored object.
  let managedFields: KubeObject['metadata']['managedFields'];
  const apply = (live: KubeObject | undefined): KubeObject => {
    try {
      const result = applyConfiguration({ live, config, manager: identity, force, type, ignored, now: ownershipTime() });
      managedFields = result.metadata.managedFields;
      return result;
    } catch (err) {
      throw asApiError(store, name, err);
    }
  };
  const trackFields = (next: KubeObject): void => {
    if (managedFields === undefined) delete next.metadata.managedFields;
    else next.metadata.managedFields = managedFields;
  };

  for (let attempt = 0; ; attempt++) {
    try {
      const updated = await store.guaranteedUpdate(namespace, name, target, { dryRun, trackFields, user: ctx.user }, precondition, (current) => apply(current));
      addWarnings(ctx.res, warnings);
      return writeJson(ctx.res, 200, updated);
    } catch (err) {
      const t = store.strategy.type;
      const missing = err instanceof ApiError && err.code === 404 && err.details?.name === name && err.details.kind === t.resource && err.details.group === t.group;
      if (!missing || target !== 'main' || precondition !== undefined) throw err;
    }
    try {
      const created = await store.create(namespace, apply(undefined), { dryRun, user: ctx.user });
      addWarnings(ctx.res, warnings);
      return writeJson(ctx.res, 201, created);
    } catch (err) {
      // Created by someone else meanwhile: apply to it instead, once.
      const exists = err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists';
      if (!exists || attempt > 0) throw err;
    }
  }
}
