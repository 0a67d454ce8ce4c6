/**
 * Creates and updates sent as application/yaml (`curl --data-binary @cm.yaml`, a manifest as it
 * is written), decoded like JSON bodies, field validation included; patches keep their own
 * content types.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApiServer, type Response, type TestApiServer } from '../support/test-apiserver.ts';

const CM = '/api/v1/namespaces/default/configmaps';
const YAML = { 'Content-Type': 'application/yaml' };

function expectStatus(r: Response, code: number, reason: string, message?: RegExp): void {
  assert.equal(r.status, code, `expected ${code} ${reason}, got ${r.status}: ${r.text}`);
  assert.equal(r.json?.kind, 'Status', r.text);
  assert.equal(r.json.reason, reason);
  if (message !== undefined) assert.match(r.json.message, message);
}

const manifest = (name: string, value: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  labels:
    app: web
data:
  greeting: ${value}
  when: 2024-01-01
`;

describe('YAML request bodies', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
  });
  after(async () => {
    await t.close();
  });

  it('creates and updates from application/yaml', async () => {
    const created = await t.request('POST', CM, { body: manifest('from-yaml', 'hello'), headers: YAML });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.json.data, { greeting: 'hello', when: '2024-01-01' });
    assert.deepEqual(created.json.metadata.labels, { app: 'web' });
    const updated = await t.request('PUT', `${CM}/from-yaml`, { body: manifest('from-yaml', 'bye'), headers: { 'Content-Type': 'application/yaml; charset=utf-8' } });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.json.data.greeting, 'bye');
    assert.equal((await t.request('GET', `${CM}/from-yaml`)).json.data.greeting, 'bye');
  });

  it('refuses malformed YAML and YAML that is not a mapping with 400', async () => {
    expectStatus(await t.request('POST', CM, { body: 'metadata: {name: x', headers: YAML }), 400, 'BadRequest', /^error decoding YAML: /);
    expectStatus(await t.request('POST', CM, { body: '- a\n- b\n', headers: YAML }), 400, 'BadRequest', /expected a mapping/);
    expectStatus(await t.request('POST', CM, { body: 'hello', headers: YAML }), 400, 'BadRequest', /expected a mapping/);
    expectStatus(await t.request('POST', CM, { body: `${manifest('a', 'x')}---\n${manifest('b', 'y')}`, headers: YAML }), 400, 'BadRequest');
  });

  it('applies field validation to YAML bodies: repeated and unknown keys', async () => {
    const repeated = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  name: dup\n';
    expectStatus(await t.request('POST', `${CM}?fieldValidation=Strict`, { body: repeated, headers: YAML }), 400, 'BadRequest', /duplicate field "metadata.name"/);
    const unknown = await t.request('POST', CM, { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unk\nspec: {}\n', headers: YAML });
    assert.equal(unknown.status, 201, unknown.text);
    assert.match(String(unknown.headers['warning']), /unknown field \\"spec\\"/);
  });

  it('takes DeleteOptions as YAML, but never a patch as application/yaml (415)', async () => {
    assert.equal((await t.request('POST', CM, { body: manifest('kept', 'x'), headers: YAML })).status, 201);
    const dry = await t.request('DELETE', `${CM}/kept`, { body: 'kind: DeleteOptions\napiVersion: v1\ndryRun: [All]\n', headers: YAML });
    assert.equal(dry.status, 200, dry.text);
    assert.equal((await t.request('GET', `${CM}/kept`)).status, 200, 'a dry run deletes nothing');
    expectStatus(await t.request('PATCH', `${CM}/kept`, { body: 'data:\n  a: b\n', headers: YAML }), 415, 'UnsupportedMediaType');
  });
});
