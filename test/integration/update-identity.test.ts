/**
 * Updates and patches that reach past an object's contents: removing its metadata is refused
 * (422); a resourceVersion the patch writes is a precondition against the stored one; a name or
 * namespace other than the URL's is refused (400); a uid other than the stored one is a failed
 * precondition (409). None of them changes the object.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

const CM = '/api/v1/namespaces/default/configmaps';
const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };

describe('updates touching identity and metadata', () => {
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

  it('refuses a rename or a move by patch (400) and a stale uid by PUT or patch (409)', async () => {
    const MERGE = { 'Content-Type': 'application/merge-patch+json' };
    for (const [patch, message] of [
      [{ metadata: { name: 'zzz' } }, 'the name of the object (zzz) does not match the name on the URL (p)'],
      [{ metadata: { namespace: 'kube-system' } }, 'the namespace of the provided object does not match the namespace sent on the request'],
    ] as const) {
      const res = await api.request('PATCH', `${CM}/p`, { body: JSON.stringify(patch), headers: MERGE });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.message, message);
    }
    const current = (await api.request('GET', `${CM}/p`)).json;
    const put = await api.request('PUT', `${CM}/p`, { body: { ...current, metadata: { ...current.metadata, uid: 'wrong' }, data: { a: '4' } } });
    assert.equal(put.status, 409, put.text);
    assert.equal(put.json.message, `Operation cannot be fulfilled on configmaps "p": Precondition failed: UID in precondition: wrong, UID in object meta: ${current.metadata.uid}`);
    const patched = await api.request('PATCH', `${CM}/p`, { body: JSON.stringify({ metadata: { uid: 'wrong' } }), headers: MERGE });
    assert.equal(patched.status, 409, patched.text);
    const after = (await api.request('GET', `${CM}/p`)).json;
    assert.deepEqual([after.metadata.resourceVersion, after.data], [current.metadata.resourceVersion, current.data]);
    // The stored uid is fine: that is what kubectl replace sends.
    assert.equal((await api.request('PUT', `${CM}/p`, { body: { ...current, data: { a: '5' } } })).status, 200);
  });
});
