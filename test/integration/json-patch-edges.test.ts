/**
 * JSON patches that reach past an object's contents: removing its metadata is refused (422) and
 * changes nothing; a resourceVersion the patch writes is a precondition against the stored one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const CM = '/api/v1/namespaces/default/configmaps';
const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };

describe('JSON patch edge cases', () => {
  let api: TestApiServer;
  let created: { metadata: { resourceVersion: string } };
  before(async () => {
    api = await startTestApiServer();
    const res = await api.request('POST', CM, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' }, data: { a: '1' } } });
    assert.equal(res.status, 201, res.text);
    created = res.json;
  });
  after(async () => {
    await api?.close();
  });

  it('refuses a patch that removes metadata, changing nothing', async () => {
    const res = await api.request('PATCH', `${CM}/p`, { body: JSON.stringify([{ op: 'remove', path: '/metadata' }]), headers: JSON_PATCH });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.json.message, 'ConfigMap "p" is invalid: metadata: Required value');
    assert.equal((await api.request('GET', `${CM}/p`)).json.metadata.resourceVersion, created.metadata.resourceVersion);
  });

  it('takes a resourceVersion the patch writes as a precondition', async () => {
    const update = await api.request('PATCH', `${CM}/p`, { body: JSON.stringify([{ op: 'replace', path: '/data/a', value: '2' }]), headers: JSON_PATCH });
    assert.equal(update.status, 200, update.text);
    const stale = [{ op: 'replace', path: '/metadata/resourceVersion', value: created.metadata.resourceVersion }, { op: 'replace', path: '/data/a', value: '3' }];
    const res = await api.request('PATCH', `${CM}/p`, { body: JSON.stringify(stale), headers: JSON_PATCH });
    assert.equal(res.status, 409, res.text);
    assert.equal((await api.request('GET', `${CM}/p`)).json.data.a, '2');
  });
});
