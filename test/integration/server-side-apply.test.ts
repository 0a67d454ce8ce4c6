/**
 * Server-side apply, managedFields on every write, field validation and the OpenAPI documents,
 * through the real HTTPS API server (memory storage): the wiring of src/api/apply and the
 * schema catalog into the handlers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kindWithList, obj, str } from '../../src/api/openapi/schemas/dsl.ts';
import { openApiCatalog } from '../../src/apiserver/openapi-catalog.ts';
import { defineStrategy } from '../../src/apiserver/registry/define-strategy.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const CMS = '/api/v1/namespaces/default/configmaps';
const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };

function deployment(replicas: number, image = 'nginx:1.27'): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

interface Entry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: Record<string, unknown>;
  time?: string;
}

function managers(body: { metadata: { managedFields?: Entry[] } }): string[] {
  return (body.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);
}

void describe('server-side apply through the API server', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
  });
  after(async () => {
    await t?.close();
  });

  void it('creates with 201, records the applier, and a repeated apply changes nothing', async () => {
    const created = await t.request('PATCH', `${DEPLOYS}/web?fieldManager=ci`, { body: deployment(2), headers: APPLY });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(managers(created.json), ['ci/Apply']);
    assert.equal(created.json.spec.progressDeadlineSeconds, 600, 'defaults apply after the merge');
    const again = await t.request('PATCH', `${DEPLOYS}/web?fieldManager=ci`, { body: deployment(2), headers: APPLY });
    assert.equal(again.status, 200);
    assert.equal(again.json.metadata.resourceVersion, created.json.metadata.resourceVersion);
  });

  void it('needs a fieldManager, and force only for apply', async () => {
    const missing = await t.request('PATCH', `${DEPLOYS}/web`, { body: deployment(2), headers: APPLY });
    assert.equal(missing.status, 422);
    assert.equal(missing.json.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const force = await t.request('PATCH', `${DEPLOYS}/web?force=true`, { body: { spec: { replicas: 1 } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    assert.equal(force.status, 422);
    assert.match(force.json.message, /force: Forbidden: may not be specified for non-apply patch/);
  });

  void it('answers 409 with the conflicting fields and managers, and force takes them', async () => {
    const scaled = await t.request('PATCH', `${DEPLOYS}/web/scale`, {
      body: { spec: { replicas: 5 } },
      headers: { 'Content-Type': 'application/merge-patch+json', 'User-Agent': 'kubectl/v1.32.4 (linux/amd64) kubernetes/abc' },
    });
    assert.equal(scaled.status, 200, scaled.text);
    const conflict = await t.request('PATCH', `${DEPLOYS}/web?fieldManager=ci`, { body: deployment(3), headers: APPLY });
    assert.equal(conflict.status, 409, conflict.text);
    assert.equal(conflict.json.reason, 'Conflict');
    assert.equal(conflict.json.message, 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    assert.deepEqual(conflict.json.details.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl" with subresource "scale" using apps/v1', field: '.spec.replicas' },
    ]);
    const forced = await t.request('PATCH', `${DEPLOYS}/web?fieldManager=ci&force=true`, { body: deployment(3), headers: APPLY });
    assert.equal(forced.status, 200, forced.text);
    assert.equal(forced.json.spec.replicas, 3);
    assert.deepEqual(managers(forced.json), ['ci/Apply']);
  });

  void it('removes what the applier no longer applies', async () => {
    const body = deployment(3) as { spec: Record<string, unknown> };
    body.spec['minReadySeconds'] = 5;
    await t.request('PATCH', `${DEPLOYS}/web?fieldManager=ci`, { body, headers: APPLY });
    const removed = await t.request('PATCH', `${DEPLOYS}/web?fieldManager=ci`, { body: deployment(3), headers: APPLY });
    assert.equal(removed.status, 200);
    assert.equal(removed.json.spec.minReadySeconds, undefined);
  });

  void it('takes YAML, refuses another version, kind or name, and honours dryRun', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n';
    const created = await t.request('PATCH', `${CMS}/settings?fieldManager=ci`, { body: yaml, headers: APPLY });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.json.data, { mode: 'fast' });
    const version = await t.request('PATCH', `${CMS}/settings?fieldManager=ci`, { body: yaml.replace('v1', 'v2'), headers: APPLY });
    assert.equal(version.status, 400);
    assert.equal(version.json.message, 'Incorrect version specified in apply patch. Specified patch version: v2, expected: v1');
    const name = await t.request('PATCH', `${CMS}/other?fieldManager=ci`, { body: yaml, headers: APPLY });
    assert.equal(name.status, 400);
    assert.match(name.json.message, /does not match the name on the URL/);
    const broken = await t.request('PATCH', `${CMS}/settings?fieldManager=ci`, { body: 'a: [', headers: APPLY });
    assert.equal(broken.status, 400);
    const dry = await t.request('PATCH', `${CMS}/settings?fieldManager=ci&dryRun=All`, { body: yaml.replace('fast', 'slow'), headers: APPLY });
    assert.equal(dry.json.data.mode, 'slow');
    assert.equal((await t.request('GET', `${CMS}/settings`)).json.data.mode, 'fast');
    const dryCreate = await t.request('PATCH', `${CMS}/ghost?fieldManager=ci&dryRun=All`, { body: yaml.replace('settings', 'ghost'), headers: APPLY });
    assert.equal(dryCreate.status, 201);
    assert.equal((await t.request('GET', `${CMS}/ghost`)).status, 404);
  });

  void it('validates fields of the configuration: duplicates and unknown fields', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  a: "1"\n  a: "2"\nbogus: true\n';
    const strict = await t.request('PATCH', `${CMS}/dup?fieldManager=ci&fieldValidation=Strict`, { body: yaml, headers: APPLY });
    assert.equal(strict.status, 400);
    assert.equal(strict.json.message, 'strict decoding error: unknown field "bogus", duplicate field "data.a"');
    const warn = await t.request('PATCH', `${CMS}/dup?fieldManager=ci`, { body: yaml, headers: APPLY });
    assert.equal(warn.status, 201);
    assert.deepEqual(warn.headers['warning'], '299 - "unknown field \\"bogus\\"", 299 - "duplicate field \\"data.a\\""');
    assert.equal(warn.json.bogus, undefined);
    assert.deepEqual(warn.json.data, { a: '2' });
  });

  void it('records Update managers from fieldManager or the User-Agent on create, update and patch', async () => {
    const created = await t.request('POST', `${CMS}?fieldManager=kubectl-create`, { body: { metadata: { name: 'upd' }, data: { a: '1' } } });
    assert.deepEqual(managers(created.json), ['kubectl-create/Update']);
    assert.deepEqual(created.json.metadata.managedFields[0].fieldsV1, { 'f:data': { '.': {}, 'f:a': {} } });
    const patched = await t.request('PATCH', `${CMS}/upd`, {
      body: { data: { b: '2' } },
      headers: { 'Content-Type': 'application/strategic-merge-patch+json', 'User-Agent': 'my-operator/1.0' },
    });
    assert.deepEqual(managers(patched.json).sort(), ['kubectl-create/Update', 'my-operator/Update']);
    const put = { ...patched.json, data: { a: '1', b: '3' } };
    delete put.metadata.managedFields;
    const replaced = await t.request('PUT', `${CMS}/upd?fieldManager=kubectl-replace`, { body: put });
    assert.equal(replaced.status, 200, replaced.text);
    const owners = Object.fromEntries((replaced.json.metadata.managedFields as Entry[]).map((e) => [e.manager, Object.keys(e.fieldsV1['f:data'] as object)]));
    assert.deepEqual(owners, { 'kubectl-create': ['.', 'f:a'], 'kubectl-replace': ['f:b'] });
    const tooLong = await t.request('PATCH', `${CMS}/upd?fieldManager=${'x'.repeat(129)}`, { body: { data: {} }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    assert.equal(tooLong.status, 422);
  });

  void it('applies status through the status subresource only, and ignores status on the main resource', async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } };
    const created = await t.request('PATCH', `${PODS}/p?fieldManager=ci`, { body: pod, headers: APPLY });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.status.phase, 'Pending', 'status is not written through the main resource');
    assert.equal(JSON.stringify(created.json.metadata.managedFields[0].fieldsV1).includes('f:status'), false);
    const status = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Running', podIP: '10.0.0.1' } };
    const applied = await t.request('PATCH', `${PODS}/p/status?fieldManager=kubelet`, { body: status, headers: APPLY });
    assert.equal(applied.status, 200, applied.text);
    assert.equal(applied.json.status.phase, 'Running');
    const entry = (applied.json.metadata.managedFields as Entry[]).find((e) => e.manager === 'kubelet')!;
    assert.equal(entry.subresource, 'status');
    assert.deepEqual(Object.keys(entry.fieldsV1), ['f:status']);
    const missing = await t.request('PATCH', `${PODS}/nope/status?fieldManager=kubelet`, { body: { ...status, metadata: { name: 'nope' } }, headers: APPLY });
    assert.equal(missing.status, 404);
  });

  void it('does not give the creator what the server generates on create, so applies never prune it', async () => {
    const JOBS = '/apis/batch/v1/namespaces/default/jobs';
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } },
    };
    const created = await t.request('POST', `${JOBS}?fieldManager=kubectl-client-side-apply`, { body: job });
    assert.equal(created.status, 201, created.text);
    assert.ok(created.json.spec.selector, 'the server generated a selector');
    const owned = JSON.stringify(created.json.metadata.managedFields[0].fieldsV1);
    assert.equal(owned.includes('f:selector'), false, owned);
    assert.ok(owned.includes('f:backoffLimit'), 'defaults belong to the creator, as upstream');
    for (let i = 0; i < 2; i++) {
      const applied = await t.request('PATCH', `${JOBS}/j?fieldManager=ci&force=true`, { body: job, headers: APPLY });
      assert.equal(applied.status, 200, applied.text);
    }
  });

  void it('checks a resourceVersion in a patch as a precondition', async () => {
    const live = (await t.request('GET', `${CMS}/upd`)).json;
    const stale = await t.request('PATCH', `${CMS}/upd`, {
      body: { metadata: { resourceVersion: '1' }, data: { c: '1' } },
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
    });
    assert.equal(stale.status, 409);
    const fresh = await t.request('PATCH', `${CMS}/upd`, {
      body: { metadata: { resourceVersion: live.metadata.resourceVersion }, data: { c: '1' } },
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
    });
    assert.equal(fresh.status, 200);
  });
});

void describe('OpenAPI documents and the schema catalog', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
  });
  after(async () => {
    await t?.close();
  });

  void it('serves /openapi/v2 without definitions, as protobuf to kubectl and as JSON otherwise', async () => {
    const pb = await t.request('GET', '/openapi/v2', { headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    assert.equal(pb.status, 200);
    assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    // Document { swagger: "2.0", info: { title: "Kubernetes", version: "v1.32.0" } }.
    assert.equal(Buffer.from(pb.text, 'latin1').toString('hex'), '0a03322e3012150a0a4b756265726e65746573120776312e33322e30');
    const json = await t.request('GET', '/openapi/v2');
    assert.deepEqual(json.json, { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: {} });
  });

  void it('caches documents by hash: ETag, immutable hashed URLs, 304, and a redirect for a stale hash', async () => {
    const index = await t.request('GET', '/openapi/v3');
    const url = index.json.paths['apis/apps/v1'].serverRelativeURL as string;
    const hash = new URL(url, 'https://x').searchParams.get('hash')!;
    const doc = await t.request('GET', url);
    assert.equal(doc.status, 200);
    assert.equal(doc.headers['etag'], `"${hash}"`);
    assert.equal(doc.headers['cache-control'], 'public, immutable');
    assert.equal((await t.request('GET', url, { headers: { 'If-None-Match': `"${hash}"` } })).status, 304);
    const stale = await t.request('GET', '/openapi/v3/apis/apps/v1?hash=0000');
    assert.equal(stale.status, 301);
    assert.equal(stale.headers['location'], url);
    assert.equal((await t.request('GET', '/openapi/v3/apis/apps/v1')).headers['cache-control'], 'no-cache, private');
  });

  void it('publishes kinds registered at run time, and refuses strategic merge patches for those that do not take them', async () => {
    const type = {
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
      resource: 'widgets',
      singular: 'widget',
      listKind: 'WidgetList',
      namespaced: true,
      shortNames: [],
      categories: [],
    };
    openApiCatalog(t.server.registry).putSchemas(
      'test:widgets',
      kindWithList({ group: 'example.com', version: 'v1', kind: 'Widget' }, 'A widget.', { spec: obj('Spec.', { color: str('Its color.') }) }),
      { strategicMergePatch: false },
    );
    await t.server.registry.add(defineStrategy({ type }));
    const index = await t.request('GET', '/openapi/v3');
    const doc = await t.request('GET', index.json.paths['apis/example.com/v1'].serverRelativeURL);
    const patchOp = doc.json.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
    assert.deepEqual(Object.keys(patchOp.requestBody.content).sort(), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
    assert.ok(doc.json.components.schemas['io.k8s.api.example.v1.Widget']);

    const W = '/apis/example.com/v1/namespaces/default/widgets';
    const created = await t.request('POST', `${W}?fieldValidation=Strict`, { body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'red' } } });
    assert.equal(created.status, 201, created.text);
    const unknown = await t.request('POST', `${W}?fieldValidation=Strict`, { body: { metadata: { name: 'x' }, spec: { colour: 'red' } } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.message, 'strict decoding error: unknown field "spec.colour"');
    const smp = await t.request('PATCH', `${W}/w`, { body: { spec: { color: 'blue' } }, headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    assert.equal(smp.status, 415);
    const applied = await t.request('PATCH', `${W}/w?fieldManager=ci&force=true`, {
      body: 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  color: blue\n',
      headers: APPLY,
    });
    assert.equal(applied.status, 200, applied.text);
    assert.equal(applied.json.spec.color, 'blue');
  });
});
