/**
 * CustomResourceDefinitions with two apiservers over one storage, as in an HA cluster: a CRD
 * created through either is served by both (each follows the CRDs through its own watch),
 * objects written through one are seen through the other in every served version, CRD updates
 * take effect on both, and deleting a CRD deletes its objects before the CRD and its resource go.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { MemoryStorage } from '../../src/storage/memory/memory-storage.ts';
import { startTestApiServer, type Response, type TestApiServer } from '../support/test-apiserver.ts';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const CRONTABS = '/apis/stable.example.com/v1/namespaces/default/crontabs';
const AGGREGATED = { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' };
const TABLE = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

function crontabCrd(): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['cronSpec'],
                  properties: {
                    cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
                    image: { type: 'string' },
                    replicas: { type: 'integer', minimum: 0, default: 1 },
                  },
                },
                status: { type: 'object', properties: { replicas: { type: 'integer' }, labelSelector: { type: 'string' } } },
              },
            },
          },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' } },
          additionalPrinterColumns: [
            { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
          ],
        },
        {
          name: 'v1beta1',
          served: true,
          storage: false,
          deprecated: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
        },
      ],
    },
  };
}

function cronTab(name: string, spec: Record<string, unknown> = { cronSpec: '* * * * */5', image: 'cron:1' }, labels?: Record<string, string>): any {
  return { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name, ...(labels ? { labels } : {}) }, spec };
}

/** Polls `probe` every 10 ms until it returns a value; fails after `timeoutMs`. Returns the value and how long it took. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function ok(r: Response, code = 200): any {
  assert.equal(r.status, code, r.text);
  return r.json;
}

async function served(server: TestApiServer, resourcePath = CRONTABS): Promise<true | undefined> {
  return (await server.request('GET', resourcePath)).status === 200 ? true : undefined;
}

async function condition(server: TestApiServer, crd: string, type: string): Promise<any> {
  const r = await server.request('GET', `${CRDS}/${crd}`);
  return r.json?.status?.conditions?.find((c: any) => c.type === type);
}

/** A watch request to `server`: its decoded events, whether the server ended it, and a way to close it. */
function openWatch(server: TestApiServer, path: string): { events: any[]; started: () => boolean; ended: () => boolean; close: () => void } {
  const url = new URL(server.server.url);
  const events: any[] = [];
  let started = false;
  let ended = false;
  const req = httpsRequest({ host: url.hostname, port: url.port, path, agent: server.agent, headers: { Accept: 'application/json' } });
  let buffer = '';
  req.on('response', (res) => {
    started = true;
    res.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
      }
    });
    res.on('end', () => (ended = true));
  });
  req.on('error', () => (ended = true));
  req.end();
  return { events, started: () => started, ended: () => ended, close: () => req.destroy() };
}

describe('CustomResourceDefinitions on two apiservers sharing one storage', () => {
  let storage: MemoryStorage;
  let a: TestApiServer;
  let b: TestApiServer;

  before(async () => {
    storage = new MemoryStorage();
    a = await startTestApiServer({ storage });
    b = await startTestApiServer({ storage });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await storage?.close();
  });

  it('serves a CRD created through one apiserver on both within a second', async () => {
    const created = ok(await a.request('POST', CRDS, { body: crontabCrd() }), 201);
    assert.deepEqual(created.status, { storedVersions: ['v1'] });
    const onA = waitFor('apiserver a to serve crontabs', () => served(a));
    const onB = waitFor('apiserver b to serve crontabs', () => served(b));
    const [ta, tb] = await Promise.all([onA, onB]);
    assert.ok(ta.ms < 1000 && tb.ms < 1000, `served after ${ta.ms} ms and ${tb.ms} ms`);

    for (const server of [a, b]) {
      const established = await waitFor('Established', async () => ((await condition(server, 'crontabs.stable.example.com', 'Established'))?.status === 'True' ? true : undefined));
      assert.ok(established.value);
      const agg = ok(await server.request('GET', '/apis', { headers: AGGREGATED }));
      const group = agg.items.find((g: any) => g.metadata.name === 'stable.example.com');
      assert.deepEqual(group.versions.map((v: any) => v.version), ['v1', 'v1beta1'], 'v1 is preferred');
      const resource = group.versions[0].resources[0];
      assert.deepEqual([resource.resource, resource.singularResource, resource.shortNames, resource.categories], ['crontabs', 'crontab', ['ct'], ['all']]);
      assert.deepEqual(resource.subresources.map((s: any) => s.subresource), ['status', 'scale']);
      const legacy = ok(await server.request('GET', '/apis/stable.example.com/v1'));
      assert.deepEqual(legacy.resources.map((r: any) => r.name), ['crontabs', 'crontabs/status', 'crontabs/scale']);
      const preferred = ok(await server.request('GET', '/apis/stable.example.com'));
      assert.equal(preferred.preferredVersion.version, 'v1');
    }
    const crd = ok(await b.request('GET', `${CRDS}/crontabs.stable.example.com`));
    assert.deepEqual(crd.status.acceptedNames, { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'], categories: ['all'] });
    assert.equal(crd.status.conditions.find((c: any) => c.type === 'NamesAccepted').status, 'True');
  });

  it('shows objects written through one apiserver through the other, in every version', async () => {
    const created = ok(await b.request('POST', CRONTABS, { body: cronTab('nightly', { cronSpec: '0 3 * * *', image: 'cron:1', stray: true }, { tier: 'batch' }) }), 201);
    assert.deepEqual(created.spec, { cronSpec: '0 3 * * *', image: 'cron:1', replicas: 1 }, 'pruned and defaulted');
    assert.equal(created.metadata.generation, 1);
    const read = ok(await a.request('GET', `${CRONTABS}/nightly`));
    assert.equal(read.metadata.uid, created.metadata.uid);

    const beta = await a.request('GET', '/apis/stable.example.com/v1beta1/namespaces/default/crontabs/nightly');
    assert.equal(ok(beta).apiVersion, 'stable.example.com/v1beta1');
    assert.match(String(beta.headers['warning']), /stable\.example\.com\/v1beta1 CronTab is deprecated; use stable\.example\.com\/v1 CronTab/);
    const raw = await storage.get('/registry/stable.example.com/crontabs/default/nightly');
    assert.equal(JSON.parse(new TextDecoder().decode(raw.kv!.value)).apiVersion, 'stable.example.com/v1', 'stored in the storage version');

    const viaBeta = ok(await a.request('POST', '/apis/stable.example.com/v1beta1/namespaces/default/crontabs', { body: { metadata: { generateName: 'gen-' }, spec: { cronSpec: '1 * * * *', anything: { goes: 1 } } } }), 201);
    assert.match(viaBeta.metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.equal(viaBeta.apiVersion, 'stable.example.com/v1beta1');
    const inV1 = ok(await b.request('GET', `${CRONTABS}/${viaBeta.metadata.name}`));
    assert.deepEqual(inV1.spec, { cronSpec: '1 * * * *', replicas: 1 }, 'read through v1: v1 pruning and defaults apply to what v1 writes, the stored object is as v1beta1 left it');

    const labelled = ok(await a.request('GET', `${CRONTABS}?labelSelector=tier%3Dbatch`));
    assert.deepEqual(labelled.items.map((i: any) => i.metadata.name), ['nightly']);
    assert.equal(labelled.kind, 'CronTabList');
    const byName = ok(await b.request('GET', `/apis/stable.example.com/v1/crontabs?fieldSelector=metadata.name%3Dnightly,metadata.namespace%3Ddefault`));
    assert.deepEqual(byName.items.map((i: any) => i.metadata.name), ['nightly']);
    const table = ok(await a.request('GET', CRONTABS, { headers: TABLE }));
    assert.deepEqual(table.columnDefinitions.map((c: any) => c.name), ['Name', 'Spec', 'Replicas']);
    assert.deepEqual(table.rows.find((r: any) => r.cells[0] === 'nightly').cells, ['nightly', '0 3 * * *', 1]);
    const betaTable = ok(await a.request('GET', '/apis/stable.example.com/v1beta1/namespaces/default/crontabs', { headers: TABLE }));
    assert.deepEqual(betaTable.columnDefinitions.map((c: any) => c.name), ['Name', 'Age'], 'without printer columns: Name and Age');
    ok(await a.request('DELETE', `${CRONTABS}/${viaBeta.metadata.name}`));
  });

  it('streams watch events in the version watched', async () => {
    const watch = openWatch(b, '/apis/stable.example.com/v1beta1/namespaces/default/crontabs?watch=true&fieldSelector=metadata.name%3Dwatched');
    try {
      await waitFor('the watch to start', async () => (watch.started() ? true : undefined));
      ok(await a.request('POST', CRONTABS, { body: cronTab('watched') }), 201);
      ok(await a.request('PATCH', `${CRONTABS}/watched`, { body: { spec: { image: 'cron:2' } }, headers: MERGE }));
      ok(await a.request('DELETE', `${CRONTABS}/watched`));
      await waitFor('three watch events', async () => (watch.events.length >= 3 ? true : undefined));
      assert.deepEqual(watch.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
      for (const e of watch.events) assert.equal(e.object.apiVersion, 'stable.example.com/v1beta1');
      assert.equal(watch.events[1].object.spec.image, 'cron:2');
    } finally {
      watch.close();
    }
  });

  it('validates by the schema: 422 naming the field, 400 for unknown fields with Strict', async () => {
    const invalid = await a.request('POST', CRONTABS, { body: cronTab('bad', { cronSpec: 'often', replicas: 'three' }) });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.json.reason, 'Invalid');
    assert.deepEqual(invalid.json.details.causes, [
      { reason: 'FieldValueInvalid', message: `Invalid value: "often": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'`, field: 'spec.cronSpec' },
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"', field: 'spec.replicas' },
    ]);
    assert.match(invalid.json.message, /^CronTab\.stable\.example\.com "bad" is invalid: \[spec\.cronSpec: Invalid value/);
    const missing = await a.request('POST', CRONTABS, { body: cronTab('bad', {}) });
    assert.equal(missing.json.message, 'CronTab.stable.example.com "bad" is invalid: spec.cronSpec: Required value');

    const strict = await b.request('POST', `${CRONTABS}?fieldValidation=Strict`, { body: cronTab('strict', { cronSpec: '* * * * *', colour: 'red' }) });
    assert.equal(strict.status, 400, strict.text);
    assert.equal(strict.json.message, 'strict decoding error: unknown field "spec.colour"');
    const warned = await b.request('POST', CRONTABS, { body: cronTab('warned', { cronSpec: '* * * * *', colour: 'red' }) });
    assert.equal(warned.status, 201);
    assert.match(String(warned.headers['warning']), /unknown field \\"spec\.colour\\"/);
    ok(await b.request('DELETE', `${CRONTABS}/warned`));

    const smp = await a.request('PATCH', `${CRONTABS}/nightly`, { body: { spec: { image: 'x' } }, headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    assert.equal(smp.status, 415);
    const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };
    const patched = ok(await a.request('PATCH', `${CRONTABS}/nightly`, { body: [{ op: 'replace', path: '/spec/image', value: 'cron:3' }], headers: JSON_PATCH }));
    assert.equal(patched.spec.image, 'cron:3');
    const negative = await a.request('PATCH', `${CRONTABS}/nightly`, { body: [{ op: 'replace', path: '/spec/replicas', value: -1 }], headers: JSON_PATCH });
    assert.equal(negative.status, 422);
    assert.equal(negative.json.details.causes[0].field, 'spec.replicas');
  });

  it('serves status and scale subresources, and moves the generation on spec changes only', async () => {
    const before = ok(await a.request('GET', `${CRONTABS}/nightly`));
    const statusWrite = ok(await b.request('PATCH', `${CRONTABS}/nightly/status`, { body: { status: { replicas: 2, labelSelector: 'app=nightly' }, spec: { image: 'ignored' } }, headers: MERGE }));
    assert.deepEqual(statusWrite.status, { replicas: 2, labelSelector: 'app=nightly' });
    assert.equal(statusWrite.spec.image, before.spec.image, 'a status write changes only the status');
    assert.equal(statusWrite.metadata.generation, before.metadata.generation);
    const mainWrite = ok(await a.request('PATCH', `${CRONTABS}/nightly`, { body: { status: { replicas: 7 }, metadata: { labels: { x: 'y' } } }, headers: MERGE }));
    assert.equal(mainWrite.status.replicas, 2, 'the main resource ignores status');
    assert.equal(mainWrite.metadata.generation, before.metadata.generation, 'metadata changes keep the generation');

    const scale = ok(await a.request('GET', `${CRONTABS}/nightly/scale`));
    assert.deepEqual([scale.kind, scale.apiVersion, scale.spec, scale.status], ['Scale', 'autoscaling/v1', { replicas: 1 }, { replicas: 2, selector: 'app=nightly' }]);
    const scaled = ok(await b.request('PATCH', `${CRONTABS}/nightly/scale`, { body: { spec: { replicas: 3 } }, headers: MERGE }));
    assert.equal(scaled.spec.replicas, 3);
    const after = ok(await a.request('GET', `${CRONTABS}/nightly`));
    assert.equal(after.spec.replicas, 3);
    assert.equal(after.metadata.generation, before.metadata.generation + 1);
    const tooFew = await a.request('PATCH', `${CRONTABS}/nightly/scale`, { body: { spec: { replicas: -1 } }, headers: MERGE });
    assert.equal(tooFew.status, 422);
  });

  it('applies a CRD update on both apiservers within a second', async () => {
    const crd = ok(await a.request('GET', `${CRDS}/crontabs.stable.example.com`));
    const v1 = crd.spec.versions[0];
    v1.additionalPrinterColumns.push({ name: 'Image', type: 'string', jsonPath: '.spec.image' });
    v1.schema.openAPIV3Schema.properties.spec.properties.image.maxLength = 8;
    crd.spec.versions.push({ name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } });
    ok(await b.request('PUT', `${CRDS}/crontabs.stable.example.com`, { body: crd }));
    const took = await Promise.all(
      [a, b].map((server) =>
        waitFor('the new column, the schema change and v2', async () => {
          const table = await server.request('GET', CRONTABS, { headers: TABLE });
          const v2 = await server.request('GET', '/apis/stable.example.com/v2/namespaces/default/crontabs/nightly');
          const tooLong = await server.request('POST', `${CRONTABS}?dryRun=All`, { body: cronTab('long', { cronSpec: '* * * * *', image: 'much-too-long' }) });
          const columns = table.json?.columnDefinitions?.map((c: any) => c.name) ?? [];
          return columns.includes('Image') && v2.status === 200 && tooLong.status === 422 ? v2.json : undefined;
        }),
      ),
    );
    for (const t of took) {
      assert.ok(t.ms < 1000, `took ${t.ms} ms`);
      assert.equal(t.value.apiVersion, 'stable.example.com/v2');
    }
    const agg = ok(await a.request('GET', '/apis', { headers: AGGREGATED }));
    assert.deepEqual(agg.items.find((g: any) => g.metadata.name === 'stable.example.com').versions.map((v: any) => v.version), ['v2', 'v1', 'v1beta1']);
    const openapi = ok(await b.request('GET', '/openapi/v3'));
    assert.ok(openapi.paths['apis/stable.example.com/v2']);
  });

  it('does not accept names another resource of the group holds', async () => {
    const rival = crontabCrd();
    rival.metadata.name = 'crondays.stable.example.com';
    rival.spec.names = { plural: 'crondays', kind: 'CronDay', shortNames: ['ct'] };
    rival.spec.versions = [rival.spec.versions[1]];
    rival.spec.versions[0].storage = true;
    delete rival.spec.versions[0].deprecated;
    ok(await a.request('POST', CRDS, { body: rival }), 201);
    const names = await waitFor('NamesAccepted', () => condition(b, 'crondays.stable.example.com', 'NamesAccepted'));
    assert.deepEqual([names.value.status, names.value.reason, names.value.message], ['False', 'ShortNamesConflict', '"ct" is already in use']);
    assert.equal((await condition(b, 'crondays.stable.example.com', 'Established')).status, 'False');
    assert.equal((await a.request('GET', '/apis/stable.example.com/v1beta1/namespaces/default/crondays')).status, 404, 'not served');
    ok(await a.request('DELETE', `${CRDS}/crondays.stable.example.com`));

    const builtin = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'leases.coordination.k8s.io', annotations: { 'api-approved.kubernetes.io': 'unapproved' } },
      spec: { group: 'coordination.k8s.io', scope: 'Namespaced', names: { plural: 'leases', kind: 'MyLease' }, versions: [{ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] },
    };
    ok(await b.request('POST', CRDS, { body: builtin }), 201);
    const conflict = await waitFor('NamesAccepted', () => condition(a, 'leases.coordination.k8s.io', 'NamesAccepted'));
    assert.deepEqual([conflict.value.status, conflict.value.reason], ['False', 'PluralConflict']);
    ok(await b.request('DELETE', `${CRDS}/leases.coordination.k8s.io`));
  });

  it('refuses conversion webhooks and invalid CRDs with 422', async () => {
    const webhook = crontabCrd();
    webhook.metadata.name = 'webhooks.stable.example.com';
    webhook.spec.names = { plural: 'webhooks', kind: 'Webhook' };
    webhook.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: 'https://example.com/convert' } } };
    const r = await a.request('POST', CRDS, { body: webhook });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json.details.causes.map((c: any) => c.field), ['spec.conversion.strategy']);
    assert.match(r.json.message, /k8ts does not call conversion webhooks; use strategy None/);
    const wrongName = crontabCrd();
    wrongName.metadata.name = 'crontab.stable.example.com';
    assert.equal((await a.request('POST', CRDS, { body: wrongName })).status, 422);
    const crdTable = ok(await b.request('GET', CRDS, { headers: TABLE }));
    assert.deepEqual(crdTable.columnDefinitions.map((c: any) => c.name), ['Name', 'Created At']);
  });

  it('answers malformed CRDs and custom resources with a 4xx, never a 5xx', async () => {
    // Values of the wrong JSON type are refused when decoded (400), as upstream's typed decoding
    // of a built-in kind refuses them; well-typed but invalid definitions are 422.
    const bodies: [number, object][] = [
      [400, { metadata: { name: 'x.example.com' }, spec: 'nope' }],
      [422, { metadata: { name: 'xs.example.com' }, spec: { group: 'example.com', names: { plural: 'xs', kind: 'X' }, scope: 'Cluster', versions: null } }],
      [400, { metadata: { name: 'xs.example.com' }, spec: { group: 'example.com', names: 'X', scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: true, schema: 7 }] } }],
      [400, { metadata: { name: 'xs.example.com' }, spec: { group: 'example.com', names: { plural: 'xs', kind: 'X' }, scope: 'Cluster', versions: [{ name: 'v1', served: 'yes', storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { a: { type: 'array', items: [] } } } } }] } }],
      [422, { metadata: { name: 'xs.example.com' }, spec: { group: 'example.com', names: { plural: 'xs', kind: 'X' }, scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { a: { type: 'array', items: [] } } } } }] } }],
      [400, { metadata: { name: 'xs.example.com' }, spec: { group: 'example.com', names: { plural: 'xs', kind: 'X' }, scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { a: { type: 'integer', default: { deep: [1] } } } } }, additionalPrinterColumns: 'all' }] } }],
      [422, { metadata: { name: 'xs.example.com' }, spec: { group: 'example.com', names: { plural: 'xs', kind: 'X' }, scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { a: { type: 'integer', default: { deep: [1] } } } } } }] } }],
    ];
    for (const [code, body] of bodies) {
      const r = await a.request('POST', CRDS, { body });
      assert.equal(r.status, code, `${JSON.stringify(body)} → ${r.text}`);
    }
    const notAnObject = await a.request('POST', CRONTABS, { body: '[1, 2]' });
    assert.equal(notAnObject.status, 400);
    const wrongKind = await a.request('POST', CRONTABS, { body: { ...cronTab('wrong'), kind: 'Other' } });
    assert.equal(wrongKind.status, 400);
    const badPatch = await a.request('PATCH', `${CRONTABS}/nightly`, { body: '{"spec":', headers: MERGE });
    assert.equal(badPatch.status, 400);
  });

  it('serves cluster-scoped custom resources without a status subresource', async () => {
    const widgets = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Cluster',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    ok(await b.request('POST', CRDS, { body: widgets }), 201);
    await waitFor('widgets to be served', () => served(a, '/apis/example.com/v1/widgets'));
    const created = ok(await a.request('POST', '/apis/example.com/v1/widgets', { body: { metadata: { name: 'w1' }, spec: { size: 1 }, status: { ok: true } } }), 201);
    assert.deepEqual([created.metadata.namespace, created.status], [undefined, { ok: true }], 'no status subresource: status is written like any field');
    assert.equal((await a.request('GET', '/apis/example.com/v1/namespaces/default/widgets/w1')).status, 404);
    assert.equal((await a.request('GET', '/apis/example.com/v1/widgets/w1/status')).status, 404);
    const statusChange = ok(await b.request('PATCH', '/apis/example.com/v1/widgets/w1', { body: { status: { ok: false } }, headers: MERGE }));
    assert.equal(statusChange.metadata.generation, 2, 'without a status subresource any change but metadata bumps the generation');
    const labelled = ok(await b.request('PATCH', '/apis/example.com/v1/widgets/w1', { body: { metadata: { labels: { a: 'b' } } }, headers: MERGE }));
    assert.equal(labelled.metadata.generation, 2);
    const withCel = structuredClone(widgets) as any;
    withCel.spec.versions[0].schema.openAPIV3Schema = { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [{ rule: 'has(self.size)' }] } } };
    withCel.metadata.resourceVersion = undefined;
    const updated = await b.request('PUT', `${CRDS}/widgets.example.com`, { body: withCel });
    assert.equal(updated.status, 200, updated.text);
    assert.match(String(updated.headers['warning']), /x-kubernetes-validations rules are not evaluated by k8ts/);
    ok(await a.request('DELETE', `${CRDS}/widgets.example.com`));
    await waitFor('widgets to go', async () => ((await b.request('GET', '/apis/example.com/v1/widgets')).status === 404 ? true : undefined));
  });

  it('serves existing CRDs from the start on an apiserver that starts later', async () => {
    const c = await startTestApiServer({ storage });
    try {
      assert.equal(ok(await c.request('GET', `${CRONTABS}/nightly`)).metadata.name, 'nightly');
    } finally {
      await c.close();
    }
  });

  it('deletes the objects of a deleted CRD, waiting for their finalizers, then stops serving it everywhere', async () => {
    ok(await a.request('POST', CRONTABS, { body: { ...cronTab('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } } }), 201);
    const watch = openWatch(b, `${CRONTABS}?watch=true`);
    await waitFor('the watch to start', async () => (watch.started() ? true : undefined));
    const deleting = ok(await b.request('DELETE', `${CRDS}/crontabs.stable.example.com`));
    assert.ok(deleting.metadata.deletionTimestamp);
    assert.deepEqual(deleting.metadata.finalizers, ['customresourcecleanup.apiextensions.k8s.io']);
    assert.equal(deleting.status.conditions.find((c: any) => c.type === 'Terminating').status, 'True');

    await waitFor('nightly to be deleted', async () => ((await a.request('GET', `${CRONTABS}/nightly`)).status === 404 ? true : undefined));
    const held = ok(await a.request('GET', `${CRONTABS}/held`));
    assert.ok(held.metadata.deletionTimestamp, 'an object with a finalizer is being deleted');
    const refused = await b.request('POST', CRONTABS, { body: cronTab('late') });
    assert.equal(refused.status, 405);
    const terminating = await waitFor('InstanceDeletionInProgress', async () => {
      const t = await condition(a, 'crontabs.stable.example.com', 'Terminating');
      return t?.reason === 'InstanceDeletionInProgress' ? t : undefined;
    });
    assert.match(terminating.value.message, /1 object\(s\) left/);
    assert.equal((await a.request('GET', `${CRDS}/crontabs.stable.example.com`)).status, 200, 'the CRD waits for its objects');

    ok(await a.request('PATCH', `${CRONTABS}/held`, { body: { metadata: { finalizers: null } }, headers: MERGE }));
    for (const server of [a, b]) {
      await waitFor('the CRD to go', async () => ((await server.request('GET', `${CRDS}/crontabs.stable.example.com`)).status === 404 ? true : undefined));
      await waitFor('crontabs to stop being served', async () => ((await server.request('GET', CRONTABS)).status === 404 ? true : undefined));
      const agg = ok(await server.request('GET', '/apis', { headers: AGGREGATED }));
      assert.equal(agg.items.find((g: any) => g.metadata.name === 'stable.example.com'), undefined);
    }
    await waitFor('the watch of the deleted resource to end', async () => (watch.ended() ? true : undefined));
    assert.ok(watch.events.some((e) => e.type === 'DELETED' && e.object.metadata.name === 'held'));
    const left = await storage.list('/registry/stable.example.com/crontabs/');
    assert.equal(left.kvs.length, 0);
  });
});
