/**
 * The bad-input corpus (shared/docs/bad-input.md): every malformed, oversized, invalid or
 * unauthorised request gets the right metav1.Status, never a 5xx, and never hurts the server.
 * Row numbers refer to the corpus table.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { connect } from 'node:tls';
import { MemoryStorage } from '../../src/storage/memory/memory-storage.ts';
import { startTestApiServer, type Response, type TestApiServer } from '../support/test-apiserver.ts';

const CM = '/api/v1/namespaces/default/configmaps';

function expectStatus(r: Response, code: number, reason: string, message?: RegExp): void {
  assert.equal(r.status, code, `expected ${code} ${reason}, got ${r.status}: ${r.text}`);
  assert.equal(r.json?.kind, 'Status', `body is a Status: ${r.text}`);
  assert.equal(r.json.apiVersion, 'v1');
  assert.equal(r.json.status, 'Failure');
  assert.equal(r.json.code, code);
  assert.equal(r.json.reason, reason);
  if (message !== undefined) assert.match(r.json.message, message);
}

function configMap(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' }, ...extra };
}

describe('bad input', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
    const r = await t.request('POST', CM, { body: configMap('existing') });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => {
    await t.close();
  });

  it('1: a body over 3 MiB is 413 on every write verb', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const path = method === 'POST' ? CM : `${CM}/existing`;
      const r = await t.request(method, path, { body: big, headers: { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } });
      expectStatus(r, 413, 'RequestEntityTooLarge', /limit is 3145728/);
    }
  });

  it('2: ConfigMap data over 1 MiB is 422', async () => {
    const r = await t.request('POST', CM, { body: configMap('huge', { data: { a: 'x'.repeat(1024 * 1024 + 1) } }) });
    expectStatus(r, 422, 'Invalid', /Too long: must have at most 1048576 bytes/);
  });

  it('3: annotations over 256 KiB are 422', async () => {
    const r = await t.request('POST', CM, { body: { ...configMap('annotated'), metadata: { name: 'annotated', annotations: { a: 'x'.repeat(262_145) } } } });
    expectStatus(r, 422, 'Invalid', /metadata.annotations: Too long/);
  });

  it('4: bad object names are 422 with a field cause', async () => {
    for (const name of ['Bad_Name', '-x', 'x-', 'UPPER', 'a'.repeat(254)]) {
      const r = await t.request('POST', CM, { body: configMap(name) });
      expectStatus(r, 422, 'Invalid', /metadata.name: Invalid value/);
      assert.equal(r.json.details.kind, 'ConfigMap');
      assert.equal(r.json.details.causes[0].field, 'metadata.name');
    }
  });

  it('5: namespace names must be DNS-1123 labels', async () => {
    for (const name of ['a'.repeat(64), 'has.dot']) {
      const r = await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name } } });
      expectStatus(r, 422, 'Invalid');
    }
  });

  it('6: service names must be DNS-1035 labels', async () => {
    const r = await t.request('POST', '/api/v1/namespaces/default/services', {
      body: { metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }] } },
    });
    expectStatus(r, 422, 'Invalid', /metadata.name/);
  });

  it('7: bad label values and keys are 422', async () => {
    for (const labels of [{ a: 'x'.repeat(64) }, { a: 'bad value!' }, { [`${'p'.repeat(254)}/k`]: 'v' }]) {
      const r = await t.request('POST', CM, { body: { ...configMap('labelled'), metadata: { name: 'labelled', labels } } });
      expectStatus(r, 422, 'Invalid', /metadata.labels/);
    }
  });

  it('8: neither name nor generateName is 422', async () => {
    const r = await t.request('POST', CM, { body: { data: {} } });
    expectStatus(r, 422, 'Invalid', /name or generateName is required/);
  });

  it('9: a body namespace that differs from the URL is 400', async () => {
    const r = await t.request('POST', CM, { body: { ...configMap('x'), metadata: { name: 'x', namespace: 'other' } } });
    expectStatus(r, 400, 'BadRequest', /does not match the namespace sent on the request/);
  });

  it('10: a PUT body name that differs from the URL is 400', async () => {
    const r = await t.request('PUT', `${CM}/existing`, { body: configMap('other') });
    expectStatus(r, 400, 'BadRequest', /the name of the object \(other\) does not match the name on the URL \(existing\)/);
  });

  it('11: malformed and truncated JSON is 400', async () => {
    expectStatus(await t.request('POST', CM, { body: '{"metadata": {"name": "x"' }), 400, 'BadRequest');
    expectStatus(await t.request('POST', CM, { body: 'not json' }), 400, 'BadRequest');
    expectStatus(await t.request('POST', CM, { body: '[1,2]' }), 400, 'BadRequest');
  });

  it('12-14: unknown and duplicate fields follow fieldValidation', async () => {
    const unknown = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fv"},"data":{},"spec":{"foo":1}}';
    expectStatus(await t.request('POST', `${CM}?fieldValidation=Strict`, { body: unknown }), 400, 'BadRequest', /strict decoding error: unknown field "spec"/);
    const dup = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fv","name":"fv"},"data":{}}';
    expectStatus(await t.request('POST', `${CM}?fieldValidation=Strict`, { body: dup }), 400, 'BadRequest', /strict decoding error: duplicate field "metadata.name"/);
    const warned = await t.request('POST', CM, { body: unknown });
    assert.equal(warned.status, 201, warned.text);
    assert.match(String(warned.headers['warning']), /^299 - "unknown field \\"spec\\""/);
    const ignored = await t.request('POST', `${CM}?fieldValidation=Ignore`, { body: unknown.replace('"fv"', '"fv2"') });
    assert.equal(ignored.status, 201);
    assert.equal(ignored.headers['warning'], undefined);
    assert.equal(ignored.json.spec, undefined);
    expectStatus(await t.request('POST', `${CM}?fieldValidation=Loose`, { body: unknown }), 400, 'BadRequest');
  });

  it('15: an apiVersion that does not match the endpoint is 400', async () => {
    const r = await t.request('POST', CM, { body: { ...configMap('v'), apiVersion: 'apps/v1' } });
    expectStatus(r, 400, 'BadRequest', /the API version in the data \(apps\/v1\) does not match the expected API version \(v1\)/);
  });

  it('16: a text/plain body is 415', async () => {
    const r = await t.request('POST', CM, { body: JSON.stringify(configMap('t')), headers: { 'Content-Type': 'text/plain' } });
    expectStatus(r, 415, 'UnsupportedMediaType');
  });

  it('17: an unsupported patch type is 415', async () => {
    const r = await t.request('PATCH', `${CM}/existing`, { body: '{}', headers: { 'Content-Type': 'application/x-patch' } });
    expectStatus(r, 415, 'UnsupportedMediaType');
  });

  it('18: an invalid JSON patch document is 400', async () => {
    const headers = { 'Content-Type': 'application/json-patch+json' };
    expectStatus(await t.request('PATCH', `${CM}/existing`, { body: '{"op":"add"}', headers }), 400, 'BadRequest');
    expectStatus(await t.request('PATCH', `${CM}/existing`, { body: '[{"op":"frobnicate","path":"/data"}]', headers }), 400, 'BadRequest');
  });

  it('19: a JSON patch whose test fails or whose path is bad is 422', async () => {
    const headers = { 'Content-Type': 'application/json-patch+json' };
    const failedTest = await t.request('PATCH', `${CM}/existing`, { body: '[{"op":"test","path":"/data/a","value":"zzz"}]', headers });
    expectStatus(failedTest, 422, 'Invalid');
    const badPath = await t.request('PATCH', `${CM}/existing`, { body: '[{"op":"replace","path":"/nope/deeper","value":1}]', headers });
    expectStatus(badPath, 422, 'Invalid');
  });

  it('20: a non-numeric resourceVersion is 400', async () => {
    expectStatus(await t.request('GET', `${CM}?resourceVersion=abc`), 400, 'BadRequest', /invalid resource version/);
  });

  it('21: resourceVersionMatch without resourceVersion is 422', async () => {
    expectStatus(await t.request('GET', `${CM}?resourceVersionMatch=Exact`), 422, 'Invalid', /resourceVersionMatch is forbidden unless resourceVersion is provided/);
  });

  it('22: continue with a resourceVersion, or a malformed token, is 400', async () => {
    const page = await t.request('GET', '/api/v1/namespaces?limit=1');
    assert.ok(page.json.metadata.continue, 'a first page with more to come carries a continue token');
    const token = encodeURIComponent(page.json.metadata.continue as string);
    expectStatus(await t.request('GET', `/api/v1/namespaces?limit=1&continue=${token}&resourceVersion=5`), 400, 'BadRequest', /specifying resource version is not allowed when using continue/);
    expectStatus(await t.request('GET', `/api/v1/namespaces?continue=garbage`), 400, 'BadRequest', /invalid continue token/);
    const next = await t.request('GET', `/api/v1/namespaces?limit=1&continue=${token}`);
    assert.equal(next.status, 200);
  });

  it('23: an exact list at a compacted revision, or a watch older than the watch cache, is 410 Expired', async (ctx) => {
    const first = await t.request('POST', CM, { body: configMap('old') });
    const oldRv = Number(first.json.metadata.resourceVersion);
    await t.request('PUT', `${CM}/old`, { body: { ...configMap('old'), data: { a: 'c' } } });
    await t.storage.compact(oldRv + 1);
    expectStatus(await t.request('GET', `${CM}?resourceVersion=${oldRv}&resourceVersionMatch=Exact`), 410, 'Expired');
    // A watch is served from the watch cache's history, so "too old" means older than that
    // history: a server with a tiny cache forgets the old revision after a few writes.
    const small = await startTestApiServer({ watchCacheSize: 2 });
    ctx.after(() => small.close());
    const created = await small.request('POST', CM, { body: configMap('churn') });
    for (let i = 0; i < 6; i++) await small.request('PUT', `${CM}/churn`, { body: { ...configMap('churn'), data: { a: String(i) } } });
    const watch = await small.request('GET', `${CM}?watch=true&resourceVersion=${created.json.metadata.resourceVersion}`);
    assert.equal(watch.status, 200);
    const event = JSON.parse(watch.text.trim().split('\n')[0]!) as { type: string; object: { code: number; reason: string } };
    assert.equal(event.type, 'ERROR');
    assert.equal(event.object.code, 410);
    assert.equal(event.object.reason, 'Expired');
  });

  it('24: a PUT with a stale resourceVersion is 409 Conflict', async () => {
    const current = await t.request('GET', `${CM}/existing`);
    const stale = { ...current.json, data: { a: 'one' } };
    assert.equal((await t.request('PUT', `${CM}/existing`, { body: stale })).status, 200);
    const r = await t.request('PUT', `${CM}/existing`, { body: { ...stale, data: { a: 'two' } } });
    expectStatus(r, 409, 'Conflict', /the object has been modified; please apply your changes to the latest version and try again/);
    assert.equal(r.json.details.kind, 'configmaps');
  });

  it('25: creating an existing name is 409 AlreadyExists', async () => {
    const r = await t.request('POST', CM, { body: configMap('existing') });
    expectStatus(r, 409, 'AlreadyExists', /configmaps "existing" already exists/);
  });

  it('26: a DELETE whose uid precondition does not match is 409', async () => {
    const r = await t.request('DELETE', `${CM}/existing`, { body: { preconditions: { uid: 'not-the-uid' } } });
    expectStatus(r, 409, 'Conflict', /Precondition failed: UID in precondition: not-the-uid/);
    assert.equal((await t.request('GET', `${CM}/existing`)).status, 200);
  });

  it('27: unknown objects, resources and groups are 404', async () => {
    expectStatus(await t.request('GET', `${CM}/nope`), 404, 'NotFound', /configmaps "nope" not found/);
    expectStatus(await t.request('GET', '/api/v1/namespaces/default/widgets'), 404, 'NotFound');
    expectStatus(await t.request('GET', '/apis/nope.example.com/v1/things'), 404, 'NotFound');
    expectStatus(await t.request('GET', '/apis/apps/v1/namespaces/default/deployments/nope'), 404, 'NotFound', /deployments.apps "nope" not found/);
  });

  it('28: POST to an object URL is 405', async () => {
    expectStatus(await t.request('POST', `${CM}/existing`, { body: configMap('existing') }), 405, 'MethodNotAllowed');
  });

  it('29: no credentials or a bad token is 401; public paths stay open', async () => {
    expectStatus(await t.request('GET', CM, { anonymous: true }), 401, 'Unauthorized');
    expectStatus(await t.request('GET', CM, { anonymous: true, headers: { Authorization: 'Bearer wrong' } }), 401, 'Unauthorized');
    for (const path of ['/version', '/livez', '/readyz', '/healthz']) {
      assert.equal((await t.request('GET', path, { anonymous: true })).status, 200, path);
    }
  });

  it('a client that speaks garbage instead of TLS is dropped without harm', async () => {
    const url = new URL(t.server.url);
    await new Promise<void>((resolve) => {
      const socket = connect({ host: url.hostname, port: Number(url.port), rejectUnauthorized: false });
      socket.on('secureConnect', () => socket.end('GARBAGE / HTTP/9\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    assert.equal((await t.request('GET', '/readyz')).status, 200);
  });
});

describe('bad input: values of the wrong JSON type in built-in kinds', () => {
  const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
  const PODS = '/api/v1/namespaces/default/pods';
  const MERGE = { 'Content-Type': 'application/merge-patch+json' };
  const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };
  const STRATEGIC = { 'Content-Type': 'application/strategic-merge-patch+json' };
  const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };
  let t: TestApiServer;
  let web: any;

  function deployment(name: string, spec: Record<string, unknown> = {}): Record<string, any> {
    const labels = { app: name };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
        ...spec,
      },
    };
  }

  function pod(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } };
  }

  /** A 400 BadRequest naming the field and the type it wants. */
  function expectWrongType(r: Response, kind: string, field: string, expected: string): void {
    expectStatus(r, 400, 'BadRequest');
    const prefix = `${kind} in version "v1" cannot be handled as a ${kind}: ${field}: expected ${expected}, got `;
    assert.ok(r.json.message.startsWith(prefix), `message ${JSON.stringify(r.json.message)} starts with ${JSON.stringify(prefix)}`);
  }

  /** The deployment is as it was: nothing of a refused write was stored. */
  async function expectWebUnchanged(): Promise<void> {
    const now = await t.request('GET', `${DEPLOYS}/web`);
    assert.equal(now.status, 200);
    assert.equal(now.json.metadata.resourceVersion, web.metadata.resourceVersion);
    assert.deepEqual(now.json.spec, web.spec);
  }

  before(async () => {
    t = await startTestApiServer();
    const r = await t.request('POST', DEPLOYS, { body: deployment('web') });
    assert.equal(r.status, 201, r.text);
    web = r.json;
    assert.equal((await t.request('POST', CM, { body: configMap('plain') })).status, 201);
  });
  after(async () => {
    await t.close();
  });

  it('a merge patch that makes spec.replicas a string, a fraction, a boolean, an object or Infinity is 400', async () => {
    for (const replicas of ['"abc"', '1.5', 'true', '{}', '1e400', '[]', '2147483648']) {
      const r = await t.request('PATCH', `${DEPLOYS}/web`, { body: `{"spec":{"replicas":${replicas}}}`, headers: MERGE });
      expectWrongType(r, 'Deployment', 'spec.replicas', 'int32 (a whole number)');
    }
    const paused = await t.request('PATCH', `${DEPLOYS}/web`, { body: '{"spec":{"paused":"yes"}}', headers: MERGE });
    expectWrongType(paused, 'Deployment', 'spec.paused', 'boolean');
    await expectWebUnchanged();
  });

  it('fieldValidation=Ignore does not let a wrong type through', async () => {
    const r = await t.request('PATCH', `${DEPLOYS}/web?fieldValidation=Ignore`, { body: '{"spec":{"replicas":"abc"}}', headers: MERGE });
    expectWrongType(r, 'Deployment', 'spec.replicas', 'int32 (a whole number)');
  });

  it('a JSON patch and a strategic merge patch are checked on the patched object, at any depth', async () => {
    const json = await t.request('PATCH', `${DEPLOYS}/web`, { body: '[{"op":"replace","path":"/spec/replicas","value":"abc"}]', headers: JSON_PATCH });
    expectWrongType(json, 'Deployment', 'spec.replicas', 'int32 (a whole number)');
    const port = '{"spec":{"template":{"spec":{"containers":[{"name":"web","ports":[{"containerPort":"80"}]}]}}}}';
    const strategic = await t.request('PATCH', `${DEPLOYS}/web`, { body: port, headers: STRATEGIC });
    expectWrongType(strategic, 'Deployment', 'spec.template.spec.containers[0].ports[0].containerPort', 'int32 (a whole number)');
    const grace = await t.request('PATCH', `${DEPLOYS}/web`, { body: '{"spec":{"template":{"spec":{"terminationGracePeriodSeconds":"x"}}}}', headers: STRATEGIC });
    expectWrongType(grace, 'Deployment', 'spec.template.spec.terminationGracePeriodSeconds', 'int64 (a whole number)');
    await expectWebUnchanged();
  });

  it('a server-side apply configuration of the wrong types is 400, as JSON or YAML', async () => {
    const config = deployment('web', { replicas: 'abc' });
    const r = await t.request('PATCH', `${DEPLOYS}/web?fieldManager=test`, { body: JSON.stringify(config), headers: APPLY });
    expectWrongType(r, 'Deployment', 'spec.replicas', 'int32 (a whole number)');
    const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: .inf\n';
    expectWrongType(await t.request('PATCH', `${DEPLOYS}/web?fieldManager=test`, { body: yaml, headers: APPLY }), 'Deployment', 'spec.replicas', 'int32 (a whole number)');
    const created = await t.request('PATCH', `${DEPLOYS}/applied?fieldManager=test`, { body: JSON.stringify(deployment('applied', { paused: 'yes' })), headers: APPLY });
    expectWrongType(created, 'Deployment', 'spec.paused', 'boolean');
    assert.equal((await t.request('GET', `${DEPLOYS}/applied`)).status, 404);
    await expectWebUnchanged();
  });

  it('a YAML apply configuration keeps timestamp-like text as strings', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dated\n  annotations:\n    released: 2024-01-01\ndata:\n  when: 2024-01-01T10:00:00Z\n';
    const r = await t.request('PATCH', `${CM}/dated?fieldManager=test`, { body: yaml, headers: APPLY });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.metadata.annotations.released, '2024-01-01');
    assert.equal(r.json.data.when, '2024-01-01T10:00:00Z');
  });

  it('POST and PUT bodies of the wrong types are 400, and nothing is stored', async () => {
    expectWrongType(await t.request('POST', DEPLOYS, { body: deployment('quoted', { replicas: '2' }) }), 'Deployment', 'spec.replicas', 'int32 (a whole number)');
    assert.equal((await t.request('GET', `${DEPLOYS}/quoted`)).status, 404);
    expectWrongType(await t.request('POST', PODS, { body: pod('grace', { terminationGracePeriodSeconds: 'x' }) }), 'Pod', 'spec.terminationGracePeriodSeconds', 'int64 (a whole number)');
    expectWrongType(await t.request('POST', PODS, { body: pod('host', { hostNetwork: 'yes' }) }), 'Pod', 'spec.hostNetwork', 'boolean');
    assert.equal((await t.request('GET', `${PODS}/grace`)).status, 404);
    const put = await t.request('PUT', `${DEPLOYS}/web`, { body: { ...web, spec: { ...web.spec, replicas: 1.5 } } });
    expectWrongType(put, 'Deployment', 'spec.replicas', 'int32 (a whole number)');
    const status = await t.request('PUT', `${DEPLOYS}/web/status`, { body: { ...web, status: { replicas: 'x' } } });
    expectWrongType(status, 'Deployment', 'status.replicas', 'int32 (a whole number)');
    const scale = await t.request('PATCH', `${DEPLOYS}/web/scale`, { body: '{"spec":{"replicas":"abc"}}', headers: MERGE });
    expectWrongType(scale, 'Scale', 'spec.replicas', 'int32 (a whole number)');
    await expectWebUnchanged();
  });

  it('ObjectMeta of the wrong types is 400: labels, annotations, finalizers, names', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: 'm1', labels: 'notamap' }, 'metadata.labels', 'object'],
      [{ name: 'm2', annotations: ['x'] }, 'metadata.annotations', 'object'],
      [{ name: 'm3', annotations: { a: 5 } }, 'metadata.annotations.a', 'string'],
      [{ name: 'm4', finalizers: 'x' }, 'metadata.finalizers', 'array'],
      [{ name: 'm5', finalizers: [1] }, 'metadata.finalizers[0]', 'string'],
      [{ name: 'm6', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u', controller: 'yes' }] }, 'metadata.ownerReferences[0].controller', 'boolean'],
      [{ name: 5 }, 'metadata.name', 'string'],
      [{ generateName: 5 }, 'metadata.generateName', 'string'],
      [{ name: ['a'] }, 'metadata.name', 'string'],
    ];
    for (const [metadata, field, expected] of cases) {
      expectWrongType(await t.request('POST', CM, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: {} } }), 'ConfigMap', field, expected);
    }
    const list = await t.request('GET', CM);
    assert.deepEqual(list.json.items.map((i: any) => i.metadata.name).filter((n: string) => /^m\d$/.test(n)), []);
    const labels = await t.request('PATCH', `${CM}/plain`, { body: '{"metadata":{"labels":"notamap"}}', headers: MERGE });
    expectWrongType(labels, 'ConfigMap', 'metadata.labels', 'object');
  });

  it('null is an unset field, and int-or-string fields take both', async () => {
    const body = deployment('nulls', { replicas: null, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: '50%' } } });
    body['metadata'] = { name: 'nulls', creationTimestamp: null, labels: null };
    const r = await t.request('POST', DEPLOYS, { body });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.spec.replicas, 1, 'defaulted');
    const probe = { httpGet: { path: '/', port: 'http' } };
    const withProbe = pod('probed', { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }], readinessProbe: probe, livenessProbe: { tcpSocket: { port: 80 } }, resources: { limits: { cpu: 0.5, memory: '64Mi' } } }] });
    assert.equal((await t.request('POST', PODS, { body: withProbe })).status, 201);
  });

  it('an object stored with finalizers of the wrong type can still be deleted', async () => {
    const stored = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stuck', namespace: 'default', uid: 'u-stuck', creationTimestamp: '2024-01-01T00:00:00Z', finalizers: 'x' } };
    await t.storage.create('/registry/configmaps/default/stuck', new TextEncoder().encode(JSON.stringify(stored)));
    const r = await t.request('DELETE', `${CM}/stuck`, { body: { propagationPolicy: 'Background' } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await t.request('GET', `${CM}/stuck`)).status, 404);
  });
});

describe('bad input: authorization, overload, shutdown and timeouts', () => {
  it('30: an authenticated user the authorizer refuses gets 403', async () => {
    const refuseAll = {
      authorize: async () => ({ decision: 'no-opinion' as const, reason: 'no binding' }),
      rulesFor: async () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
    };
    const t = await startTestApiServer({ authorizer: refuseAll });
    try {
      expectStatus(await t.request('GET', CM), 403, 'Forbidden', /^configmaps is forbidden: User "test-admin" cannot list resource "configmaps" in API group "" in the namespace "default": no binding$/);
    } finally {
      await t.close();
    }
  });

  it('31 and 33: past the in-flight budget is 429 with Retry-After; a stuck request is 504', async () => {
    const t = await startTestApiServer({ maxMutatingInFlight: 1, requestTimeoutMs: 300 });
    try {
      // Hold the only mutating seat with a request whose body never finishes.
      const url = new URL(t.server.url);
      const { request } = await import('node:https');
      const stuck = new Promise<number>((resolve) => {
        const req = request({ host: url.hostname, port: url.port, method: 'POST', path: CM, agent: t.agent, headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(-1));
        req.write('{"metadata":');
      });
      await new Promise((r) => setTimeout(r, 100));
      const rejected = await t.request('POST', CM, { body: configMap('flood') });
      expectStatus(rejected, 429, 'TooManyRequests');
      assert.equal(rejected.headers['retry-after'], '1');
      assert.equal(await stuck, 504);
    } finally {
      await t.close();
    }
  });

  it('32: a request during the graceful-shutdown window (after the shutdown delay, while draining) is 429 with Retry-After: 5 and Connection: close', async () => {
    // A store whose create of "slow" waits until released: a request in flight through the drain.
    const memory = new MemoryStorage();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const storage = new Proxy(memory, {
      get(target, prop, receiver) {
        if (prop === 'create') return async (key: string, value: Uint8Array) => (key.endsWith('/slow') ? held.then(() => target.create(key, value)) : target.create(key, value));
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const t = await startTestApiServer({ storage, shutdownDelayMs: 100 });
    const slow = t.request('POST', CM, { body: configMap('slow') });
    await new Promise((r) => setTimeout(r, 100));
    const closing = t.server.close();
    await new Promise((r) => setTimeout(r, 300));
    const r = await t.request('GET', '/api/v1/namespaces', { agent: new Agent({ ca: t.certs.caPem, cert: t.certs.clientCertPem, key: t.certs.clientKeyPem }) });
    expectStatus(r, 429, 'TooManyRequests', /shutting down/);
    assert.equal(r.headers['retry-after'], '5');
    assert.equal(r.headers['connection'], 'close');
    release();
    assert.equal((await slow).status, 201, 'the request in flight finished');
    await closing;
    await t.close();
  });

  it('32: during the shutdown delay before that window, requests are still served, fail readiness, and close their connections', async () => {
    const t = await startTestApiServer({ shutdownDelayMs: 1000 });
    assert.equal((await t.request('GET', '/api/v1/namespaces')).status, 200);
    const closing = t.server.close();
    const r = await t.request('GET', '/api/v1/namespaces');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers['connection'], 'close');
    assert.equal((await t.request('GET', '/readyz', { anonymous: true })).status, 500);
    assert.equal((await t.request('GET', '/livez', { anonymous: true })).status, 200);
    await closing;
    await t.close();
  });
});
