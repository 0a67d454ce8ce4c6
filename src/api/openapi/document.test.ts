import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { GroupVersionKind } from '../meta/types.ts';
import type { ResourceType } from '../resource-type.ts';
import { buildOpenApi, openApiDocument, openApiIndex, openApiPath, renderOpenApiDocument, type OpenApiDocument } from './document.ts';
import type { OpenApiOperation, OpenApiResource } from './operations.ts';
import { extendSchemaRegistry } from './registry.ts';
import { builtinSchemaRegistry } from './schemas/index.ts';
import { kindWithList, obj, str } from './schemas/dsl.ts';
import type { OpenApiSchema } from './schema-types.ts';

function type(group: string, version: string, kind: string, resource: string, namespaced = true): ResourceType {
  return { group, version, kind, resource, singular: kind.toLowerCase(), listKind: `${kind}List`, namespaced, shortNames: [], categories: [] };
}

const statusOf = (kind: string) => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const scale = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

const served: OpenApiResource[] = [
  { type: type('', 'v1', 'Pod', 'pods'), subresources: [statusOf('Pod'), { name: 'log', kind: 'Pod', verbs: ['get'] }] },
  { type: type('', 'v1', 'Node', 'nodes', false), subresources: [statusOf('Node')] },
  { type: type('', 'v1', 'ConfigMap', 'configmaps') },
  { type: type('apps', 'v1', 'Deployment', 'deployments'), subresources: [statusOf('Deployment'), scale] },
  { type: type('apps', 'v1', 'ReplicaSet', 'replicasets'), subresources: [statusOf('ReplicaSet'), scale] },
  { type: type('coordination.k8s.io', 'v1', 'Lease', 'leases') },
];

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function allOperations(doc: OpenApiDocument): [string, string, OpenApiOperation][] {
  const out: [string, string, OpenApiOperation][] = [];
  for (const [path, item] of Object.entries(doc.paths)) for (const m of METHODS) if (item[m]) out.push([path, m, item[m]]);
  return out;
}

/** kubectl's field-validation support check: the first PATCH of the GVK must list the query parameter. */
function supportsFieldValidation(doc: OpenApiDocument, gvk: GroupVersionKind): boolean {
  for (const item of Object.values(doc.paths)) {
    const op = item.patch;
    if (op === undefined) continue;
    const g = op['x-kubernetes-group-version-kind'];
    if (g.group !== gvk.group || g.version !== gvk.version || g.kind !== gvk.kind) continue;
    return (op.parameters ?? []).some((p) => p.name === 'fieldValidation' && p.in === 'query');
  }
  return false;
}

/** The component kubectl uses for patch computation and explain: GVK listed in its array. */
function schemaByGvk(doc: OpenApiDocument, gvk: GroupVersionKind): [string, OpenApiSchema] | undefined {
  return Object.entries(doc.components.schemas).find(([, s]) =>
    (s['x-kubernetes-group-version-kind'] ?? []).some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind));
}

/** Follows allOf[0] and $ref within the document's components. */
function resolveIn(doc: OpenApiDocument, schema: OpenApiSchema): OpenApiSchema {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    if (s.allOf?.[0]) s = s.allOf[0];
    else if (s.$ref) s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]!;
    else return s;
    assert.ok(s, 'dangling reference');
  }
  return s;
}

void describe('openApiDocument', () => {
  const apps = openApiDocument({ group: 'apps', version: 'v1' }, served);
  const core = openApiDocument({ group: '', version: 'v1' }, served);

  void it('has the OpenAPI 3.0 frame and only the group/version asked for', () => {
    assert.equal(apps.openapi, '3.0.0');
    assert.deepEqual(Object.keys(apps.paths), [
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status',
      '/apis/apps/v1/namespaces/{namespace}/replicasets',
      '/apis/apps/v1/namespaces/{namespace}/replicasets/{name}',
      '/apis/apps/v1/namespaces/{namespace}/replicasets/{name}/scale',
      '/apis/apps/v1/namespaces/{namespace}/replicasets/{name}/status',
      '/apis/apps/v1/replicasets',
    ]);
    assert.ok(core.paths['/api/v1/nodes/{name}/status'], 'cluster-scoped paths have no namespace');
    assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/log'], undefined, 'only status and scale subresources are described');
  });

  void it('tags every operation with its action and group/version/kind', () => {
    const actions = new Set<string>();
    for (const [path, method, op] of allOperations(apps)) {
      actions.add(op['x-kubernetes-action']);
      const gvk = op['x-kubernetes-group-version-kind'];
      if (path.endsWith('/scale')) assert.deepEqual(gvk, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
      else assert.equal(gvk.group, 'apps', `${method} ${path}`);
      assert.ok(op.operationId.length > 0 && op.responses['200'], `${method} ${path}`);
    }
    assert.deepEqual([...actions].sort(), ['delete', 'deletecollection', 'get', 'list', 'patch', 'post', 'put']);
    const item = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!;
    assert.equal(item.get!.operationId, 'readAppsV1NamespacedDeployment');
    assert.equal(apps.paths['/apis/apps/v1/deployments']!.get!.operationId, 'listAppsV1DeploymentForAllNamespaces');
    assert.equal(core.paths['/api/v1/nodes']!.get!.operationId, 'listCoreV1Node');
    assert.deepEqual(item.parameters!.map((p) => [p.name, p.in]), [['name', 'path'], ['namespace', 'path'], ['pretty', 'query']]);
  });

  void it('every PATCH lists fieldValidation on the operation and the four patch content types', () => {
    let patches = 0;
    for (const doc of [apps, core]) {
      for (const [path, method, op] of allOperations(doc)) {
        if (method !== 'patch') continue;
        patches++;
        assert.ok(op.parameters!.some((p) => p.name === 'fieldValidation' && p.in === 'query'), path);
        assert.deepEqual(Object.keys(op.requestBody!.content).sort(), [
          'application/apply-patch+yaml',
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
        ]);
      }
    }
    assert.equal(patches, 11);
    for (const kind of ['Deployment', 'ReplicaSet']) assert.ok(supportsFieldValidation(apps, { group: 'apps', version: 'v1', kind }));
    for (const kind of ['Pod', 'Node', 'ConfigMap']) assert.ok(supportsFieldValidation(core, { group: '', version: 'v1', kind }));
    assert.ok(!supportsFieldValidation(apps, { group: 'apps', version: 'v1', kind: 'DaemonSet' }), 'unserved kinds are absent');
  });

  void it('carries the kind schemas kubectl finds by x-kubernetes-group-version-kind, with every reference resolvable', () => {
    const [name, deployment] = schemaByGvk(apps, { group: 'apps', version: 'v1', kind: 'Deployment' })!;
    assert.equal(name, 'io.k8s.api.apps.v1.Deployment');
    assert.ok(schemaByGvk(apps, { group: 'autoscaling', version: 'v1', kind: 'Scale' }));
    assert.ok(schemaByGvk(apps, { group: 'apps', version: 'v1', kind: 'DeploymentList' }));
    // kubectl explain deployment.spec.template.spec.containers
    let s = deployment;
    for (const field of ['spec', 'template', 'spec', 'containers']) s = resolveIn(apps, resolveIn(apps, s).properties![field]!);
    assert.equal(s.type, 'array');
    assert.deepEqual(resolveIn(apps, s.items!).required, ['name']);
    const refs = JSON.stringify(apps).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const r of refs) assert.ok(apps.components.schemas[JSON.parse(r).slice('#/components/schemas/'.length)], r);
    assert.equal(apps.components.schemas['io.k8s.api.batch.v1.Job'], undefined, 'unreachable schemas are left out');
  });

  void it('describes custom resources from an extended registry, without strategic merge patch', () => {
    const registry = extendSchemaRegistry(builtinSchemaRegistry, kindWithList({ group: 'example.com', version: 'v1', kind: 'Widget' }, 'A widget.', {
      spec: obj('Spec.', { size: str('Size.') }),
    }));
    const widgets: OpenApiResource = { type: type('example.com', 'v1', 'Widget', 'widgets'), strategicMergePatch: false, verbs: ['get', 'list', 'patch'] };
    const doc = openApiDocument({ group: 'example.com', version: 'v1' }, [widgets], registry);
    const patch = doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']!.patch!;
    assert.ok(!('application/strategic-merge-patch+json' in patch.requestBody!.content));
    assert.ok(supportsFieldValidation(doc, { group: 'example.com', version: 'v1', kind: 'Widget' }));
    assert.ok(schemaByGvk(doc, { group: 'example.com', version: 'v1', kind: 'Widget' }));
    assert.equal(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets']!.post, undefined, 'verbs limit the operations');
  });

  void it('gives kinds without a schema an open object schema, keeping their operations', () => {
    const doc = openApiDocument({ group: 'other.io', version: 'v1' }, [{ type: type('other.io', 'v1', 'Thing', 'things', false) }]);
    const get = doc.paths['/apis/other.io/v1/things/{name}']!.get!;
    assert.deepEqual(get.responses['200']!.content!['application/json']!.schema, { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    assert.ok(supportsFieldValidation(doc, { group: 'other.io', version: 'v1', kind: 'Thing' }));
  });
});

void describe('openApiIndex and buildOpenApi', () => {
  void it('points at each group/version document with its SHA-256 hash', () => {
    const set = buildOpenApi(served);
    assert.deepEqual(Object.keys(set.index.paths), ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1']);
    for (const [path, entry] of Object.entries(set.index.paths)) {
      const doc = set.documents.get(path)!;
      assert.equal(entry.serverRelativeURL, `/openapi/v3/${path}?hash=${doc.hash}`);
      assert.match(doc.hash, /^[0-9A-F]{64}$/);
      assert.equal(doc.hash, createHash('sha256').update(doc.json).digest('hex').toUpperCase());
      assert.deepEqual(JSON.parse(doc.json), doc.document);
    }
    assert.equal(openApiPath({ group: '', version: 'v1' }), 'api/v1');
  });

  void it('keeps the hash while the content is the same, and changes it with the content', () => {
    const first = buildOpenApi(served);
    const again = buildOpenApi([...served].reverse());
    for (const [path, doc] of first.documents) assert.equal(again.documents.get(path)!.hash, doc.hash, path);
    const more = buildOpenApi([...served, { type: type('apps', 'v1', 'DaemonSet', 'daemonsets') }]);
    assert.notEqual(more.documents.get('apis/apps/v1')!.hash, first.documents.get('apis/apps/v1')!.hash);
    assert.equal(more.documents.get('api/v1')!.hash, first.documents.get('api/v1')!.hash);
    const renamed = renderOpenApiDocument('apis/apps/v1', openApiDocument({ group: 'apps', version: 'v1' }, served, builtinSchemaRegistry, { version: 'v1.32.0' }));
    assert.notEqual(renamed.hash, first.documents.get('apis/apps/v1')!.hash);
    assert.deepEqual(openApiIndex([renamed]).paths, { 'apis/apps/v1': { serverRelativeURL: `/openapi/v3/apis/apps/v1?hash=${renamed.hash}` } });
  });
});
