/**
 * Resource requests: maps a parsed ResourceRequestInfo onto the GenericStore (and the
 * subresource handlers), and the results onto HTTP: 201 for creates, Status bodies for errors
 * and most deletes, Table output when asked for.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { apiVersionOf } from '../../api/resource-type.ts';
import { badRequest, methodNotAllowed, notFound, pathNotFound } from '../errors.ts';
import { tableContentType, wantsTable } from '../http/negotiation.ts';
import { decodeObjectBody } from '../http/object-body.ts';
import { mediaType, readBody } from '../http/request-body.ts';
import { addWarnings, successStatus, writeJson, writeJsonList } from '../http/respond.ts';
import type { ServedResource } from '../registry/api-registry.ts';
import type { GenericStore, UpdateTarget } from '../registry/generic-store.ts';
import { parseListOptions } from '../registry/list-options.ts';
import { buildTable, parseIncludeObject } from '../registry/table.ts';
import { serialize } from '../registry/watch-cache.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import { readDeleteOptions } from './delete-options.ts';
import { handleApply } from './apply.ts';
import { updateTracker } from './field-ownership.ts';
import { APPLY_PATCH, applyParsedPatch, parsePatch } from './patch.ts';
import { handlePodBinding } from './pod-binding.ts';
import { handlePodEviction } from './pod-eviction.ts';
import { handlePodConnect, handlePodLog } from './pod-streams.ts';
import { handleScale } from './scale.ts';
import { handleNamespaceFinalize } from './namespace-finalize.ts';
import { handleTokenRequest } from './token-request.ts';
import { parseDryRun, parseFieldValidation, parseForce, type RequestContext } from './request-context.ts';
import { serveWatch, watchOfObject } from './watch.ts';
import { checkBodyFields, validateFields } from './field-validation.ts';
import { openApiCatalog } from '../openapi-catalog.ts';

/**
 * Reads an object body (JSON, YAML or protobuf) for create/update, with the keys it repeats
 * (for field validation).
 */
export async function readObjectBodyWithDuplicates(ctx: RequestContext): Promise<{ obj: KubeObject; duplicates: () => string[] }> {
  const body = await readBody(ctx.req);
  const { obj, duplicates } = await decodeObjectBody(ctx.req, body);
  const metadata = obj['metadata'];
  if (metadata === undefined || metadata === null) obj['metadata'] = {};
  else if (typeof metadata !== 'object' || Array.isArray(metadata)) throw badRequest('metadata must be an object');
  return { obj: obj as KubeObject, duplicates };
}

export async function readObjectBody(ctx: RequestContext): Promise<KubeObject> {
  return (await readObjectBodyWithDuplicates(ctx)).obj;
}

/**
 * JSON types and field validation of a decoded body (`duplicates`: the keys it repeats, see
 * DecodedObjectBody); Warn-mode findings become Warning headers.
 */
function checkFields(ctx: RequestContext, store: GenericStore, obj: KubeObject, duplicates: () => string[]): void {
  checkBodyFields(ctx, store.strategy.type, obj, duplicates);
}

/** What the kind has to say about an object just written (e.g. a CRD feature k8ts ignores). */
function addStrategyWarnings(ctx: RequestContext, store: GenericStore, obj: KubeObject): void {
  addWarnings(ctx.res, store.strategy.warnings(obj));
}

function dryRun(ctx: RequestContext): boolean {
  return parseDryRun(ctx.url.searchParams.getAll('dryRun'));
}

/**
 * Writes one object, as a one-row Table when the client asked for Table output. A `shared`
 * object (one of the watch cache's, see GenericStore.getShared) is encoded once for all readers.
 */
function writeObject(ctx: RequestContext, store: GenericStore, code: number, obj: KubeObject, shared = false): void {
  const table = ctx.req.method === 'GET' ? wantsTable(ctx.req) : undefined;
  if (table !== undefined) {
    const include = parseIncludeObject(ctx.url.searchParams.get('includeObject'));
    const t = buildTable(store.strategy, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, {
      include,
      version: table,
      withColumns: true,
      now: new Date(),
    });
    writeJson(ctx.res, code, t, tableContentType(table));
    return;
  }
  writeJson(ctx.res, code, shared ? serialize(obj) : obj);
}

export async function handleResource(ctx: RequestContext, info: ResourceRequestInfo, served: ServedResource): Promise<void> {
  const store = served.store;
  const type = store.strategy.type;
  const namespace = type.namespaced ? info.namespace : '';
  if (type.namespaced && info.resource === 'namespaces') throw pathNotFound();
  if (!type.namespaced && info.namespace !== '' && info.resource !== 'namespaces') throw pathNotFound();
  if (served.warning !== undefined) addWarnings(ctx.res, [served.warning]);

  switch (info.subresource) {
    case '':
      return handleMain(ctx, info, store, namespace);
    case 'status':
      return handleStatus(ctx, info, store, namespace);
    case 'scale':
      if (store.strategy.scale === null) throw pathNotFound();
      return handleScale(ctx, info, store, namespace);
    case 'binding':
      if (type.group === '' && type.resource === 'pods') return handlePodBinding(ctx, info, store, namespace);
      throw pathNotFound();
    case 'eviction':
      if (type.group === '' && type.resource === 'pods') return handlePodEviction(ctx, info, store, namespace);
      throw pathNotFound();
    case 'finalize':
      if (type.group === '' && type.resource === 'namespaces') return handleNamespaceFinalize(ctx, info, store);
      throw pathNotFound();
    case 'token':
      if (type.group === '' && type.resource === 'serviceaccounts' && ctx.serviceAccountTokens !== undefined) {
        return handleTokenRequest(ctx, info, store, namespace, ctx.serviceAccountTokens);
      }
      throw pathNotFound();
    case 'log':
      if (type.group === '' && type.resource === 'pods') return handlePodLog(ctx, info, namespace);
      throw pathNotFound();
    case 'exec':
    case 'attach':
    case 'portforward':
      if (type.group === '' && type.resource === 'pods') return handlePodConnect(ctx, info, namespace);
      throw pathNotFound();
    default:
      throw pathNotFound();
  }
}

async function handleMain(ctx: RequestContext, info: ResourceRequestInfo, store: GenericStore, namespace: string): Promise<void> {
  const q = ctx.url.searchParams;
  // The all-namespaces collection of a namespaced kind (`/api/v1/configmaps`) is for reading
  // only, as upstream: no create there, and no deleting every namespace's objects at once.
  if (store.strategy.type.namespaced && namespace === '' && info.name === '' && info.verb !== 'list' && info.verb !== 'watch') {
    throw methodNotAllowed(ctx.req.method ?? '');
  }
  switch (info.verb) {
    case 'get':
      return writeObject(ctx, store, 200, await store.getShared(namespace, info.name), true);
    case 'list': {
      const options = parseListOptions(q);
      const list = await store.list(namespace, options);
      const table = wantsTable(ctx.req);
      if (table !== undefined) {
        const include = parseIncludeObject(q.get('includeObject'));
        for (const item of list.items) store.withTypeMeta(item);
        const t = buildTable(store.strategy, list.items, list.metadata, { include, version: table, withColumns: true, now: new Date() });
        return writeJson(ctx.res, 200, t, tableContentType(table));
      }
      return writeJsonList(ctx.res, 200, list);
    }
    case 'watch': {
      const listOptions = parseListOptions(q, true);
      const options = info.name === '' ? listOptions : watchOfObject(listOptions, info.name);
      const table = wantsTable(ctx.req);
      return serveWatch(ctx.req, ctx.res, {
        store,
        namespace,
        options,
        table: table === undefined ? undefined : { version: table, include: parseIncludeObject(q.get('includeObject')) },
      });
    }
    case 'create': {
      if (info.name !== '') throw methodNotAllowed('POST');
      const trackFields = updateTracker(ctx, store, '', 'CreateOptions');
      const { obj, duplicates } = await readObjectBodyWithDuplicates(ctx);
      checkFields(ctx, store, obj, duplicates);
      const created = await store.create(namespace, obj, { dryRun: dryRun(ctx), trackFields, user: ctx.user });
      addStrategyWarnings(ctx, store, created);
      return writeJson(ctx.res, 201, created);
    }
    case 'update': {
      if (info.name === '') throw methodNotAllowed('PUT');
      const trackFields = updateTracker(ctx, store, '', 'UpdateOptions');
      const { obj, duplicates } = await readObjectBodyWithDuplicates(ctx);
      checkFields(ctx, store, obj, duplicates);
      const updated = await store.update(namespace, info.name, obj, 'main', { dryRun: dryRun(ctx), trackFields, user: ctx.user });
      addStrategyWarnings(ctx, store, updated);
      return writeJson(ctx.res, 200, updated);
    }
    case 'patch':
      return patchObject(ctx, info, store, namespace, 'main');
    case 'delete': {
      const options = await readDeleteOptions(ctx.req, q);
      const result = await store.delete(namespace, info.name, options);
      if (!result.deleted || returnsDeletedObject(store)) return writeJson(ctx.res, 200, result.object);
      const t = store.strategy.type;
      return writeJson(ctx.res, 200, successStatus({ name: info.name, group: t.group, kind: t.resource, uid: result.object.metadata.uid ?? '' }));
    }
    case 'deletecollection': {
      if (!store.strategy.deleteCollection) throw methodNotAllowed('DELETE');
      const options = await readDeleteOptions(ctx.req, q);
      const list = await store.list(namespace, { ...parseListOptions(q), limit: 0, continueToken: '' });
      const deleted: KubeObject[] = [];
      for (const item of list.items) {
        try {
          deleted.push((await store.delete(item.metadata.namespace ?? '', item.metadata.name ?? '', options)).object);
        } catch (err) {
          // Deleted by someone else meanwhile: the goal is reached for that item.
          if (!(err instanceof Error && 'code' in err && (err as { code: unknown }).code === 404)) throw err;
        }
      }
      const t = store.strategy.type;
      return writeJson(ctx.res, 200, { apiVersion: apiVersionOf(t), kind: t.listKind, metadata: { resourceVersion: list.metadata.resourceVersion }, items: deleted });
    }
  }
}

/** Kinds whose DELETE answers with the deleted object rather than a Status, as upstream does. */
function returnsDeletedObject(store: GenericStore): boolean {
  const t = store.strategy.type;
  return t.group === '' && (t.resource === 'pods' || t.resource === 'services' || t.resource === 'namespaces');
}

async function patchObject(ctx: RequestContext, info: ResourceRequestInfo, store: GenericStore, namespace: string, target: UpdateTarget): Promise<void> {
  if (info.name === '') throw methodNotAllowed('PATCH');
  const body = await readBody(ctx.req);
  if (mediaType(ctx.req) === APPLY_PATCH) return handleApply(ctx, store, namespace, info.name, target, body);
  const q = ctx.url.searchParams;
  parseForce(q, false);
  const type = store.strategy.type;
  const catalog = openApiCatalog(ctx.registry);
  const trackFields = updateTracker(ctx, store, target === 'status' ? 'status' : '', 'PatchOptions');
  const mode = parseFieldValidation(q);
  const patch = parsePatch(ctx.req.headers['content-type'] ?? '', body, catalog.strategicMergePatch(type));
  let warnings: string[] = [];
  const patched = await store.guaranteedUpdate(namespace, info.name, target, { dryRun: dryRun(ctx), trackFields, user: ctx.user }, undefined, (current) => {
    const next = applyParsedPatch(store, patch, current, catalog.patchSchema(type));
    warnings = validateFields(mode, next, patch.duplicates, catalog, type);
    return next;
  });
  addWarnings(ctx.res, warnings);
  if (target === 'main') addStrategyWarnings(ctx, store, patched);
  writeJson(ctx.res, 200, patched);
}

async function handleStatus(ctx: RequestContext, info: ResourceRequestInfo, store: GenericStore, namespace: string): Promise<void> {
  if (!store.strategy.hasStatus && !(store.strategy.type.group === '' && store.strategy.type.resource === 'namespaces')) {
    throw notFound(store.strategy.type, info.name);
  }
  switch (info.verb) {
    case 'get':
      return writeJson(ctx.res, 200, await store.get(namespace, info.name));
    case 'update': {
      const trackFields = updateTracker(ctx, store, 'status', 'UpdateOptions');
      const { obj, duplicates } = await readObjectBodyWithDuplicates(ctx);
      checkFields(ctx, store, obj, duplicates);
      const updated = await store.update(namespace, info.name, obj, 'status', { dryRun: dryRun(ctx), trackFields, user: ctx.user });
      return writeJson(ctx.res, 200, updated);
    }
    case 'patch':
      return patchObject(ctx, info, store, namespace, 'status');
    default:
      throw methodNotAllowed(ctx.req.method ?? '');
  }
}
