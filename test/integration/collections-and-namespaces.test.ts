/**
 * What may be deleted wholesale, and what never: the all-namespaces path of a namespaced
 * resource only lists and watches (405 otherwise), namespaces have no deletecollection (405, and
 * discovery and OpenAPI do not offer it), cluster-scoped kinds keep it, and default, kube-system
 * and kube-public are never deleted (403).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApiServer, type Response, type TestApiServer } from '../support/test-apiserver.ts';

const AGGREGATED = { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' };

function expectStatus(r: Response, code: number, reason: string, message?: string): void {
  assert.equal(r.status, code, `expected ${code} ${reason}, got ${r.status}: ${r.text}`);
  assert.equal(r.json?.kind, 'Status', r.text);
  assert.equal(r.json.reason, reason);
  if (message !== undefined) assert.equal(r.json.message, message);
}

describe('collections and namespaces', () => {
  let t: TestApiServer;
  const names = async (path: string): Promise<string[]> => {
    const r = await t.request('GET', path);
    assert.equal(r.status, 200, r.text);
    return (r.json.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name).sort();
  };
  before(async () => {
    t = await startTestApiServer();
    for (const ns of ['a', 'b']) {
      assert.equal((await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name: ns } } })).status, 201);
      assert.equal((await t.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { metadata: { name: `cm-${ns}` } } })).status, 201);
    }
    assert.equal((await t.request('POST', '/api/v1/nodes', { body: { metadata: { name: 'n1' } } })).status, 201);
  });
  after(async () => {
    await t.close();
  });

  it('the all-namespaces path of a namespaced resource lists and watches only: DELETE and POST are 405', async () => {
    expectStatus(await t.request('DELETE', '/api/v1/configmaps'), 405, 'MethodNotAllowed');
    expectStatus(await t.request('DELETE', '/api/v1/configmaps?dryRun=All'), 405, 'MethodNotAllowed');
    expectStatus(await t.request('DELETE', '/apis/apps/v1/deployments'), 405, 'MethodNotAllowed');
    expectStatus(await t.request('POST', '/api/v1/configmaps', { body: { metadata: { name: 'c', namespace: 'a' } } }), 405, 'MethodNotAllowed');
    assert.deepEqual((await names('/api/v1/configmaps')).filter((n) => n.startsWith('cm-')), ['cm-a', 'cm-b']);
    const watch = t.watch('/api/v1/configmaps?watch=1&fieldSelector=metadata.name%3Dcm-a');
    assert.equal((await watch.next()).object.metadata.name, 'cm-a');
    watch.close();
    // In one namespace a collection delete is served.
    const deleted = await t.request('DELETE', '/api/v1/namespaces/b/configmaps?dryRun=All');
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(deleted.json.items.map((i: { metadata: { name: string } }) => i.metadata.name).filter((n: string) => n.startsWith('cm-')), ['cm-b']);
  });

  it('namespaces have no deletecollection: 405, and neither discovery nor OpenAPI offers it', async () => {
    const before = await names('/api/v1/namespaces');
    expectStatus(await t.request('DELETE', '/api/v1/namespaces'), 405, 'MethodNotAllowed');
    expectStatus(await t.request('DELETE', '/api/v1/namespaces?dryRun=All'), 405, 'MethodNotAllowed');
    assert.deepEqual(await names('/api/v1/namespaces'), before);
    for (const name of before) assert.equal((await t.request('GET', `/api/v1/namespaces/${name}`)).json.metadata.deletionTimestamp, undefined, name);

    const legacy = await t.request('GET', '/api/v1');
    const verbsOf = (resources: Array<{ name?: string; resource?: string; verbs: string[] }>, name: string): string[] | undefined =>
      resources.find((r) => (r.name ?? r.resource) === name)?.verbs;
    assert.deepEqual(verbsOf(legacy.json.resources, 'namespaces'), ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    assert.ok(verbsOf(legacy.json.resources, 'configmaps')?.includes('deletecollection'));
    assert.ok(verbsOf(legacy.json.resources, 'nodes')?.includes('deletecollection'));
    const aggregated = await t.request('GET', '/api', { headers: AGGREGATED });
    const core = aggregated.json.items[0].versions.find((v: { version: string }) => v.version === 'v1').resources;
    assert.deepEqual(verbsOf(core, 'namespaces'), ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    assert.ok(verbsOf(core, 'nodes')?.includes('deletecollection'));

    const openapi = await t.request('GET', '/openapi/v3/api/v1');
    assert.equal(openapi.json.paths['/api/v1/namespaces'].delete, undefined);
    assert.ok(openapi.json.paths['/api/v1/namespaces'].post !== undefined);
    assert.ok(openapi.json.paths['/api/v1/nodes'].delete !== undefined);
  });

  it('cluster-scoped kinds keep deletecollection (nodes, clusterroles)', async () => {
    const dry = await t.request('DELETE', '/api/v1/nodes?dryRun=All');
    assert.equal(dry.status, 200, dry.text);
    assert.deepEqual(dry.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['n1']);
    assert.deepEqual(await names('/api/v1/nodes'), ['n1'], 'a dry run deletes nothing');
    const CR = '/apis/rbac.authorization.k8s.io/v1/clusterroles';
    assert.equal((await t.request('POST', CR, { body: { metadata: { name: 'qa-role', labels: { qa: 'yes' } }, rules: [] } })).status, 201);
    const dryRoles = await t.request('DELETE', `${CR}?dryRun=All&labelSelector=qa%3Dyes`);
    assert.equal(dryRoles.status, 200, dryRoles.text);
    assert.deepEqual(dryRoles.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['qa-role']);
    assert.equal((await t.request('DELETE', `${CR}?labelSelector=qa%3Dyes`)).status, 200);
    assert.deepEqual(await names(`${CR}?labelSelector=qa%3Dyes`), []);
  });

  it('default, kube-system and kube-public may not be deleted (403), not even in a dry run', async () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      for (const query of ['', '?dryRun=All']) {
        const r = await t.request('DELETE', `/api/v1/namespaces/${name}${query}`);
        expectStatus(r, 403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
        assert.deepEqual(r.json.details, { name, group: '', kind: 'namespaces' });
      }
      const body = await t.request('DELETE', `/api/v1/namespaces/${name}`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] } });
      expectStatus(body, 403, 'Forbidden');
      assert.equal((await t.request('GET', `/api/v1/namespaces/${name}`)).json.metadata.deletionTimestamp, undefined);
    }
    const other = await t.request('DELETE', '/api/v1/namespaces/a');
    assert.equal(other.status, 200, other.text);
    assert.equal(other.json.status.phase, 'Terminating');
  });
});
