/**
 * The `paths` of an OpenAPI document: one path item per collection, object and subresource URL
 * of a served resource, each operation tagged with `x-kubernetes-action` and
 * `x-kubernetes-group-version-kind`. kubectl reads two things here: a PATCH operation whose GVK
 * matches and which lists the `fieldValidation` query parameter *on the operation itself*
 * (then it validates on the server, not from /openapi/v2), and the patch content types of that
 * operation (strategic merge patch present → it computes one from the schemas).
 * Upstream: kubernetes/cli-runtime pkg/resource/query_param_verifier_v3.go;
 * kubernetes/kubectl pkg/cmd/apply/patcher.go `gvkSupportsPatchOpenAPIV3`.
 */
import type { GroupVersionKind } from '../meta/types.ts';
import type { ResourceType } from '../resource-type.ts';
import { META } from './schemas/dsl.ts';
import { COMPONENT_REF_PREFIX, type OpenApiSchema } from './schema-types.ts';

/** A subresource as the server registry lists it (apiserver's SubresourceInfo fits). */
export interface OpenApiSubresource {
  readonly name: string;
  readonly kind: string;
  /** Group/version of `kind` when it differs from the parent's (scale: autoscaling/v1). */
  readonly group?: string;
  readonly version?: string;
  readonly verbs: readonly string[];
}

/** A resource to describe in the OpenAPI document of its group/version. */
export interface OpenApiResource {
  readonly type: ResourceType;
  /** Only `status` and `scale` are described (GET/PUT/PATCH of an object); others are skipped. */
  readonly subresources?: readonly OpenApiSubresource[];
  /** Verbs of the main resource; all of them when omitted. */
  readonly verbs?: readonly string[];
  /** False for custom resources: their PATCH does not list strategic merge patch (kubectl then sends merge patches). */
  readonly strategicMergePatch?: boolean;
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'query' | 'path';
  readonly description: string;
  readonly required?: boolean;
  readonly schema: OpenApiSchema;
}

export interface OpenApiMediaType {
  readonly schema: OpenApiSchema;
}

export interface OpenApiOperation {
  readonly tags: readonly string[];
  readonly description: string;
  readonly operationId: string;
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly content: Readonly<Record<string, OpenApiMediaType>>; readonly required: boolean };
  readonly responses: Readonly<Record<string, { readonly description: string; readonly content?: Readonly<Record<string, OpenApiMediaType>> }>>;
  readonly 'x-kubernetes-action': string;
  readonly 'x-kubernetes-group-version-kind': GroupVersionKind;
}

export interface OpenApiPathItem {
  readonly description?: string;
  readonly parameters?: readonly OpenApiParameter[];
  readonly get?: OpenApiOperation;
  readonly put?: OpenApiOperation;
  readonly post?: OpenApiOperation;
  readonly delete?: OpenApiOperation;
  readonly patch?: OpenApiOperation;
}

/** Every verb a served resource has unless it says otherwise. */
export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

const PATCH_CONTENT_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

function refTo(name: string): OpenApiSchema {
  return { $ref: COMPONENT_REF_PREFIX + name };
}

function query(name: string, type: 'string' | 'integer' | 'boolean', description: string): OpenApiParameter {
  return { name, in: 'query', description, schema: { type } };
}

const P = {
  pretty: query('pretty', 'string', 'If true, the output is indented.'),
  name: (kind: string): OpenApiParameter => ({ name: 'name', in: 'path', required: true, description: `Name of the ${kind}.`, schema: { type: 'string' } }),
  namespace: { name: 'namespace', in: 'path', required: true, description: 'The namespace of the objects.', schema: { type: 'string' } } as OpenApiParameter,
  dryRun: query('dryRun', 'string', '`All` runs every stage of the request without persisting anything.'),
  fieldManager: query('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.'),
  fieldValidation: query(
    'fieldValidation',
    'string',
    'What to do with unknown or duplicate fields in the body: `Ignore`, `Warn` (default), or `Strict` to reject the request.',
  ),
  force: query('force', 'boolean', 'For apply patches: take ownership of fields other managers own.'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes at once.'),
  orphanDependents: query('orphanDependents', 'boolean', 'Deprecated; use propagationPolicy.'),
  propagationPolicy: query('propagationPolicy', 'string', 'What happens to dependents: `Orphan`, `Background` or `Foreground`.'),
  ignoreStoreReadError: query('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean', 'Deletes an object that cannot be read from storage.'),
  allowWatchBookmarks: query('allowWatchBookmarks', 'boolean', 'Watches may send BOOKMARK events carrying the latest resourceVersion.'),
  continue: query('continue', 'string', 'Token from a previous page of a limited list.'),
  fieldSelector: query('fieldSelector', 'string', 'Selects objects by fields, such as `metadata.name=web`.'),
  labelSelector: query('labelSelector', 'string', 'Selects objects by labels, such as `app=web,tier!=db`.'),
  limit: query('limit', 'integer', 'Most items to return; the rest are reached with the continue token.'),
  resourceVersion: query('resourceVersion', 'string', 'Which version of the data to serve; watches start after it.'),
  resourceVersionMatch: query('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: `Exact` or `NotOlderThan`.'),
  sendInitialEvents: query('sendInitialEvents', 'boolean', 'Starts a watch with the current objects, then a bookmark.'),
  timeoutSeconds: query('timeoutSeconds', 'integer', 'Seconds after which a list or watch ends.'),
  watch: query('watch', 'boolean', 'Streams changes instead of listing.'),
};

const LIST_PARAMETERS = [
  P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit,
  P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch,
];
const WRITE_PARAMETERS = [P.dryRun, P.fieldManager, P.fieldValidation];
const DELETE_PARAMETERS = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];

function content(schema: OpenApiSchema, watch = false): Record<string, OpenApiMediaType> {
  return {
    'application/json': { schema },
    'application/yaml': { schema },
    ...(watch ? { 'application/json;stream=watch': { schema } } : {}),
  };
}

function responses(codes: readonly string[], schema: OpenApiSchema, watch = false): OpenApiOperation['responses'] {
  const out: Record<string, { description: string; content?: Record<string, OpenApiMediaType> }> = {};
  const text: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
  for (const code of codes) out[code] = { description: text[code] ?? code, content: content(schema, watch) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

/** `CoreV1`, `AppsV1`, `CoordinationV1` — the group/version part of operation ids and tags. */
function operationGroup(group: string, version: string): { id: string; tag: string } {
  const words = group === '' ? ['core'] : group.replace(/\.k8s\.io$/, '').split('.');
  const id = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') + version.charAt(0).toUpperCase() + version.slice(1);
  return { id, tag: `${words.join('_')}_${version}` };
}

function gvkOf(type: ResourceType): GroupVersionKind {
  return { group: type.group, version: type.version, kind: type.kind };
}

/** A builder of the operations on one URL, all about one kind. */
function operations(type: ResourceType, gvk: GroupVersionKind, idSuffix: string) {
  const { id, tag } = operationGroup(type.group, type.version);
  return (method: string, action: string, description: string, extra: Partial<OpenApiOperation>): OpenApiOperation => ({
    tags: [tag],
    description,
    operationId: `${method}${id}${idSuffix}`,
    ...extra,
    responses: extra.responses ?? {},
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
}

function patchBody(strategicMergePatch: boolean): OpenApiOperation['requestBody'] {
  const types = PATCH_CONTENT_TYPES.filter((t) => strategicMergePatch || t !== 'application/strategic-merge-patch+json');
  return { content: Object.fromEntries(types.map((t) => [t, { schema: refTo(`${META}Patch`) }])), required: true };
}

/**
 * The path items of one resource. `schemaOf(gvk)` names the component schema of a kind, or
 * returns an inline schema for kinds without one (their operations still exist, so kubectl
 * finds the PATCH operation and its parameters).
 */
export function resourcePaths(resource: OpenApiResource, schemaOf: (gvk: GroupVersionKind) => OpenApiSchema): Record<string, OpenApiPathItem> {
  const t = resource.type;
  const verbs = new Set<string>(resource.verbs ?? ALL_VERBS);
  const smp = resource.strategicMergePatch ?? true;
  const root = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  const scope = t.namespaced ? 'Namespaced' : '';
  const collection = `${root}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
  const item = `${collection}/{name}`;
  const scopeParams = t.namespaced ? [P.namespace, P.pretty] : [P.pretty];
  const gvk = gvkOf(t);
  const kindSchema = schemaOf(gvk);
  const listSchema = schemaOf({ ...gvk, kind: t.listKind });
  const status = refTo(`${META}Status`);
  const deleteBody = { content: { '*/*': { schema: refTo(`${META}DeleteOptions`) } }, required: false };
  const paths: Record<string, OpenApiPathItem> = {};

  const onCollection = operations(t, gvk, `${scope}${t.kind}`);
  const collectionOps: Record<string, OpenApiOperation> = {};
  if (verbs.has('list')) {
    collectionOps.get = onCollection('list', 'list', `list or watch objects of kind ${t.kind}`, {
      parameters: LIST_PARAMETERS,
      responses: responses(['200'], listSchema, true),
    });
  }
  if (verbs.has('create')) {
    collectionOps.post = onCollection('create', 'post', `create a ${t.kind}`, {
      parameters: WRITE_PARAMETERS,
      requestBody: { content: { '*/*': { schema: kindSchema } }, required: true },
      responses: responses(['200', '201', '202'], kindSchema),
    });
  }
  if (verbs.has('deletecollection')) {
    const onAll = operations(t, gvk, `Collection${scope}${t.kind}`);
    collectionOps.delete = onAll('delete', 'deletecollection', `delete a collection of ${t.kind}`, {
      parameters: [...LIST_PARAMETERS, ...DELETE_PARAMETERS],
      requestBody: deleteBody,
      responses: responses(['200'], status),
    });
  }
  if (Object.keys(collectionOps).length > 0) paths[collection] = { parameters: scopeParams, ...collectionOps };

  const itemOps: Record<string, OpenApiOperation> = {};
  if (verbs.has('get')) {
    itemOps.get = onCollection('read', 'get', `read the specified ${t.kind}`, { responses: responses(['200'], kindSchema) });
  }
  if (verbs.has('update')) {
    itemOps.put = onCollection('replace', 'put', `replace the specified ${t.kind}`, {
      parameters: WRITE_PARAMETERS,
      requestBody: { content: { '*/*': { schema: kindSchema } }, required: true },
      responses: responses(['200', '201'], kindSchema),
    });
  }
  if (verbs.has('patch')) {
    itemOps.patch = onCollection('patch', 'patch', `partially update the specified ${t.kind}`, {
      parameters: [...WRITE_PARAMETERS, P.force],
      requestBody: patchBody(smp),
      responses: responses(['200', '201'], kindSchema),
    });
  }
  if (verbs.has('delete')) {
    itemOps.delete = onCollection('delete', 'delete', `delete a ${t.kind}`, {
      parameters: DELETE_PARAMETERS,
      requestBody: deleteBody,
      responses: responses(['200', '202'], status),
    });
  }
  if (Object.keys(itemOps).length > 0) paths[item] = { parameters: [P.name(t.kind), ...scopeParams], ...itemOps };

  if (t.namespaced && verbs.has('list')) {
    const onAllNamespaces = operations(t, gvk, `${t.kind}ForAllNamespaces`);
    paths[`${root}/${t.resource}`] = {
      parameters: [P.pretty],
      get: onAllNamespaces('list', 'list', `list or watch objects of kind ${t.kind} in every namespace`, {
        parameters: LIST_PARAMETERS,
        responses: responses(['200'], listSchema, true),
      }),
    };
  }

  for (const sub of resource.subresources ?? []) {
    if (sub.name !== 'status' && sub.name !== 'scale') continue;
    const subGvk = { group: sub.group ?? t.group, version: sub.version ?? t.version, kind: sub.kind };
    const subSchema = schemaOf(subGvk);
    const suffix = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
    const on = operations(t, subGvk, `${scope}${t.kind}${suffix}`);
    const subOps: Record<string, OpenApiOperation> = {};
    if (sub.verbs.includes('get')) {
      subOps.get = on('read', 'get', `read ${sub.name} of the specified ${t.kind}`, { responses: responses(['200'], subSchema) });
    }
    if (sub.verbs.includes('update')) {
      subOps.put = on('replace', 'put', `replace ${sub.name} of the specified ${t.kind}`, {
        parameters: WRITE_PARAMETERS,
        requestBody: { content: { '*/*': { schema: subSchema } }, required: true },
        responses: responses(['200', '201'], subSchema),
      });
    }
    if (sub.verbs.includes('patch')) {
      subOps.patch = on('patch', 'patch', `partially update ${sub.name} of the specified ${t.kind}`, {
        parameters: [...WRITE_PARAMETERS, P.force],
        requestBody: patchBody(smp),
        responses: responses(['200', '201'], subSchema),
      });
    }
    if (Object.keys(subOps).length > 0) paths[`${item}/${sub.name}`] = { parameters: [P.name(t.kind), ...scopeParams], ...subOps };
  }
  return paths;
}
