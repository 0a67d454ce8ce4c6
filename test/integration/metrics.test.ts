/**
 * `/metrics`: the apiserver's Prometheus metrics, for authenticated clients only, named as
 * upstream's (request counts by verb, resource and code; latency histograms; in-flight
 * requests), with Node.js's process metrics and the leader electors running in the process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { trackElector } from '../../src/util/leader-status.ts';
import { startTestApiServer, type TestApiServer } from '../support/test-apiserver.ts';

describe('apiserver /metrics', () => {
  let t: TestApiServer;
  before(async () => {
    t = await startTestApiServer();
  });
  after(async () => t?.close());

  it('counts requests by verb, resource and code, and refuses anonymous scrapes', async () => {
    assert.equal((await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm' } } })).status, 201);
    assert.equal((await t.request('GET', '/api/v1/namespaces/default/configmaps/m')).status, 200);
    assert.equal((await t.request('GET', '/api/v1/namespaces/default/configmaps/missing')).status, 404);
    assert.equal((await t.request('GET', '/api/v1/namespaces/default/configmaps')).status, 200);
    assert.equal((await t.request('GET', '/metrics', { anonymous: true })).status, 401);

    const r = await t.request('GET', '/metrics');
    assert.equal(r.status, 200, r.text);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const line = (labels: string): RegExp => new RegExp(`^apiserver_request_total\\{${labels}\\} [1-9]\\d*$`, 'm');
    assert.match(r.text, line('verb="POST",group="",version="v1",resource="configmaps",subresource="",scope="namespace",code="201"'));
    assert.match(r.text, line('verb="GET",group="",version="v1",resource="configmaps",subresource="",scope="resource",code="200"'));
    assert.match(r.text, line('verb="GET",group="",version="v1",resource="configmaps",subresource="",scope="resource",code="404"'));
    assert.match(r.text, line('verb="LIST",group="",version="v1",resource="configmaps",subresource="",scope="namespace",code="200"'));
    assert.match(r.text, /^apiserver_request_duration_seconds_bucket\{le="0\.005",verb="POST",resource="configmaps",subresource=""\} \d+$/m);
    assert.match(r.text, /^apiserver_current_inflight_requests\{request_kind="readOnly"\} \d+$/m);
    assert.match(r.text, /^process_resident_memory_bytes \d+/m);
  });

  it('reports the leader electors running in the process', async () => {
    const untrack = trackElector('kube-system/some-lease', () => ({ isLeader: true, transitions: 2 }));
    try {
      const text = (await t.request('GET', '/metrics')).text;
      assert.match(text, /^leader_election_master_status\{name="kube-system\/some-lease"\} 1$/m);
      assert.match(text, /^k8ts_leader_election_transitions_total\{name="kube-system\/some-lease"\} 2$/m);
    } finally {
      untrack();
    }
    assert.doesNotMatch((await t.request('GET', '/metrics')).text, /some-lease/);
  });
});
