import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceType } from '../../api/core/v1/namespace.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import { Clientset, SharedInformerFactory, silentLogger } from '../../client/index.ts';
import { FakeApi } from '../../client/testing/fake-api.ts';
import { FakeClock } from '../../client/testing/fake-clock.ts';
import { waitFor } from '../../client/testing/wait-for.ts';
import { noEvents } from '../../client/testing/no-events.ts';
import { runController } from '../runner.ts';
import { DEFAULT_CONTROLLER_SETTINGS } from '../settings.ts';
import { CONTENT_REMAINING_REQUEUE_MS, namespaceController } from './namespace-controller.ts';

function type(group: string, kind: string, resource: string): ResourceType {
  return { group, version: 'v1', kind, resource, singular: kind.toLowerCase(), listKind: `${kind}List`, namespaced: true, shortNames: [], categories: [] };
}
const configmaps = type('', 'ConfigMap', 'configmaps');
const secrets = type('', 'Secret', 'secrets');
const bindings = type('', 'Binding', 'bindings');
const widgets = type('example.com', 'Widget', 'widgets');

async function harness() {
  const api = new FakeApi([
    { type: namespaceType },
    { type: configmaps },
    { type: secrets, verbs: ['create', 'delete', 'get', 'list', 'update', 'watch'] },
    { type: bindings, verbs: ['create'] },
    { type: widgets },
  ]);
  const url = await api.start();
  const clientset = Clientset.fromOptions({ endpoints: [url] });
  const clock = new FakeClock();
  const informers = new SharedInformerFactory(clientset, { clock });
  const ac = new AbortController();
  for (const ns of ['doomed', 'keep']) api.put(namespaceType, { metadata: { name: ns }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  for (const ns of ['doomed', 'keep']) {
    api.put(configmaps, { metadata: { namespace: ns, name: 'a' } });
    api.put(configmaps, { metadata: { namespace: ns, name: 'b' } });
    api.put(secrets, { metadata: { namespace: ns, name: 's' } });
  }
  const done = runController(namespaceController, { clientset, informers, clock, logger: silentLogger, events: noEvents, settings: DEFAULT_CONTROLLER_SETTINGS }, ac.signal);
  await informers.waitForCacheSync(ac.signal);
  return {
    api,
    clock,
    clientset,
    stop: async () => {
      ac.abort();
      await done;
      await informers.stopped();
      clientset.close();
      await api.close();
    },
  };
}

describe('namespace controller', () => {
  it('leaves namespaces that are not being deleted alone', async () => {
    const h = await harness();
    try {
      await waitFor(() => h.api.requests.some((r) => r.url.includes('watch=true')), 'the namespace watch');
      await h.clock.advance(10_000);
      assert.deepEqual(
        h.api.requests.filter((r) => r.method !== 'GET'),
        [],
      );
    } finally {
      await h.stop();
    }
  });

  it('empties a deleted namespace, waits for objects held by finalizers, then finalizes it', async () => {
    const h = await harness();
    try {
      h.api.put(widgets, { metadata: { namespace: 'doomed', name: 'held', finalizers: ['example.com/hold'] } });
      h.api.delete(namespaceType, undefined, 'doomed');
      assert.equal(h.api.get(namespaceType, undefined, 'doomed')?.status?.phase, 'Terminating');

      await waitFor(() => h.api.get(widgets, 'doomed', 'held')?.metadata.deletionTimestamp !== undefined, 'the widget deletion to start');
      await waitFor(() => h.api.list(configmaps, 'doomed').length === 0 && h.api.list(secrets, 'doomed').length === 0, 'configmaps and secrets to go');
      assert.ok(
        h.api.requests.some((r) => r.method === 'DELETE' && r.url.split('?')[0] === '/api/v1/namespaces/doomed/configmaps'),
        'configmaps go by deletecollection',
      );
      assert.ok(h.api.requests.some((r) => r.method === 'DELETE' && r.url === '/api/v1/namespaces/doomed/secrets/s'), 'secrets go one by one');
      assert.deepEqual(h.api.get(namespaceType, undefined, 'doomed')?.spec, { finalizers: ['kubernetes'] }, 'not finalized while content remains');
      // The namespace says what holds it up.
      const condition = (type: string): Record<string, unknown> | undefined =>
        ((h.api.get(namespaceType, undefined, 'doomed')?.status?.conditions ?? []) as Array<Record<string, unknown>>).find((c) => c.type === type);
      await waitFor(() => condition('NamespaceFinalizersRemaining')?.status === 'True', 'the remaining-finalizers condition');
      assert.equal(condition('NamespaceContentRemaining')?.message, 'Some resources are remaining: widgets.example.com has 1 resource instances');
      assert.equal(condition('NamespaceFinalizersRemaining')?.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
      assert.equal(condition('NamespaceDeletionDiscoveryFailure')?.status, 'False');
      assert.equal(h.api.get(namespaceType, undefined, 'doomed')?.status?.phase, 'Terminating');

      // The widget's own controller finishes; the namespace controller looks again after its requeue delay.
      const held = structuredClone(h.api.get(widgets, 'doomed', 'held'));
      assert.ok(held !== undefined);
      await h.clientset.resource(widgets).update({ ...held, metadata: { ...held.metadata, finalizers: [] } });
      assert.equal(h.api.get(widgets, 'doomed', 'held'), undefined);
      await h.clock.advance(CONTENT_REMAINING_REQUEUE_MS);
      await waitFor(() => h.api.get(namespaceType, undefined, 'doomed') === undefined, 'the namespace to be finalized and removed');
      assert.ok(h.api.requests.some((r) => r.method === 'PUT' && r.url === '/api/v1/namespaces/doomed/finalize'));

      assert.equal(h.api.list(configmaps, 'keep').length, 2, 'other namespaces keep their objects');
      assert.equal(h.api.list(secrets, 'keep').length, 1);
      assert.ok(h.api.get(namespaceType, undefined, 'keep'));
    } finally {
      await h.stop();
    }
  });

  it('empties types the server started serving after the controller started', async () => {
    const h = await harness();
    try {
      const gadgets = type('late.example.com', 'Gadget', 'gadgets');
      h.api.addType({ type: gadgets });
      h.api.put(gadgets, { metadata: { namespace: 'doomed', name: 'g' } });
      h.api.delete(namespaceType, undefined, 'doomed');
      await waitFor(() => h.api.get(namespaceType, undefined, 'doomed') === undefined, 'the namespace to go');
      assert.equal(h.api.list(gadgets, 'doomed').length, 0, 'the new type was emptied too');
    } finally {
      await h.stop();
    }
  });

  it('does not finalize while discovery of a group-version fails', async () => {
    const h = await harness();
    try {
      h.api.failingDiscovery.add('/apis/example.com/v1');
      h.api.delete(namespaceType, undefined, 'doomed');
      await waitFor(() => h.api.list(configmaps, 'doomed').length === 0, 'the visible content to go');
      const discoveryAttempts = (): number => h.api.requests.filter((r) => r.url === '/apis/example.com/v1').length;
      await waitFor(async () => {
        await h.clock.advance(100); // lets the rate-limited retries come due
        return discoveryAttempts() >= 4;
      }, 'several retries');
      assert.ok(h.api.get(namespaceType, undefined, 'doomed'), 'the namespace is kept');
      assert.ok(!h.api.requests.some((r) => r.url.endsWith('/finalize')));

      h.api.failingDiscovery.clear();
      await waitFor(async () => {
        await h.clock.advance(100);
        return h.api.get(namespaceType, undefined, 'doomed') === undefined;
      }, 'finalization after discovery recovers');
    } finally {
      await h.stop();
    }
  });
});
