import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../api/apps/v1/deployment.ts';
import { configMapType } from '../../api/core/v1/configmap.ts';
import type { KubeObject, OwnerReference } from '../../api/meta/types.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import type { Clientset } from '../../client/index.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { garbageCollector } from './garbage-collector.ts';

const ref = (owner: KubeObject, type: ResourceType, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`,
  kind: type.kind,
  name: owner.metadata.name ?? '',
  uid: owner.metadata.uid ?? '',
  ...extra,
});
const cm = (name: string, ownerReferences: OwnerReference[] = []): KubeObject => ({ metadata: { namespace: 'ns', name, ownerReferences } });
const owner = (name: string, finalizers?: string[]): KubeObject => ({ metadata: { namespace: 'ns', name, ...(finalizers ? { finalizers } : {}) }, spec: {} });
const get = (h: ControllerHarness, type: ResourceType, name: string): KubeObject | undefined => h.api.get(type, 'ns', name);

async function withGc(body: (h: ControllerHarness, client: Clientset) => Promise<void>): Promise<void> {
  const h = await startControllers([garbageCollector]);
  const client = h.ctx.clientset;
  try {
    await h.until(() => h.api.requests.filter((r) => r.url.includes('watch=true')).length >= 10, 'the monitors to watch');
    await body(h, client);
  } finally {
    await h.stop();
  }
}

describe('garbage collector', () => {
  it('deletes dependents whose owners are gone (Background) and keeps those with an owner left, dropping the dangling reference', async () => {
    await withGc(async (h, client) => {
      const a = h.api.put(deploymentType, owner('a'));
      const b = h.api.put(deploymentType, owner('b'));
      h.api.put(configMapType, cm('only-a', [ref(a, deploymentType)]));
      h.api.put(configMapType, cm('a-and-b', [ref(a, deploymentType), ref(b, deploymentType)]));
      await h.quiesce();
      assert.ok(get(h, configMapType, 'only-a'), 'nothing is collected while the owners exist');
      await client.resource(deploymentType).delete('a', { namespace: 'ns', propagationPolicy: 'Background' });
      await h.until(() => get(h, configMapType, 'only-a') === undefined, 'the orphaned dependent to be deleted');
      await h.until(() => get(h, configMapType, 'a-and-b')?.metadata.ownerReferences?.length === 1, 'the dangling reference removed');
      assert.equal(get(h, configMapType, 'a-and-b')?.metadata.ownerReferences?.[0]?.name, 'b');
    });
  });

  it('treats a reference to an owner that was replaced (same name, new uid) as dangling', async () => {
    await withGc(async (h) => {
      h.api.put(configMapType, cm('stale', [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'a', uid: 'an-old-uid' }]));
      h.api.put(deploymentType, owner('a'));
      await h.until(() => get(h, configMapType, 'stale') === undefined, 'the dependent of the old owner to go');
    });
  });

  it('confirms an owner its cache has not seen with a live read before deleting anything', async () => {
    await withGc(async (h) => {
      h.api.holdEvents(deploymentType);
      const a = h.api.put(deploymentType, owner('late'));
      h.api.put(configMapType, cm('child', [ref(a, deploymentType)]));
      await h.until(() => h.api.requests.some((r) => r.method === 'GET' && r.url.endsWith('/deployments/late')), 'the live read of the owner');
      await h.quiesce();
      assert.ok(get(h, configMapType, 'child'), 'the dependent stays');
      h.api.releaseEvents(deploymentType);
    });
  });

  it('orphans the dependents of an owner deleted with the orphan finalizer, then lets the owner go', async () => {
    await withGc(async (h, client) => {
      const a = h.api.put(deploymentType, owner('a'));
      h.api.put(configMapType, cm('kept', [ref(a, deploymentType, { controller: true, blockOwnerDeletion: true })]));
      await h.quiesce();
      await client.resource(deploymentType).delete('a', { namespace: 'ns', propagationPolicy: 'Orphan' });
      await h.until(() => get(h, deploymentType, 'a') === undefined, 'the owner to go');
      assert.equal(get(h, configMapType, 'kept')?.metadata.ownerReferences, undefined);
    });
  });

  it('deletes the dependents of an owner deleted in the foreground first, then removes its finalizer', async () => {
    await withGc(async (h, client) => {
      const a = h.api.put(deploymentType, owner('a'));
      // A finalizer of someone else's keeps the blocking dependent around for a while.
      h.api.put(configMapType, { ...cm('blocking', [ref(a, deploymentType, { blockOwnerDeletion: true })]), metadata: { ...cm('blocking', [ref(a, deploymentType, { blockOwnerDeletion: true })]).metadata, finalizers: ['example.com/hold'] } });
      h.api.put(configMapType, cm('loose', [ref(a, deploymentType)]));
      await h.quiesce();
      await client.resource(deploymentType).delete('a', { namespace: 'ns', propagationPolicy: 'Foreground' });
      await h.until(() => get(h, configMapType, 'loose') === undefined, 'the non-blocking dependent deleted');
      await h.until(() => get(h, configMapType, 'blocking')?.metadata.deletionTimestamp !== undefined, 'the blocking dependent being deleted');
      await h.quiesce();
      assert.ok(get(h, deploymentType, 'a')?.metadata.deletionTimestamp, 'the owner waits for its blocking dependent');
      const blocking = get(h, configMapType, 'blocking')!;
      h.api.put(configMapType, { ...blocking, metadata: { ...blocking.metadata, finalizers: [] } });
      h.api.delete(configMapType, 'ns', 'blocking');
      await h.until(() => get(h, deploymentType, 'a') === undefined, 'the owner to go once the blocking dependent is gone');
    });
  });

  it('lets a foreground owner go once its blocking dependent drops the reference', async () => {
    await withGc(async (h, client) => {
      const a = h.api.put(deploymentType, owner('a'));
      const held = cm('held', [ref(a, deploymentType, { blockOwnerDeletion: true })]);
      h.api.put(configMapType, { ...held, metadata: { ...held.metadata, finalizers: ['example.com/hold'] } });
      await h.quiesce();
      await client.resource(deploymentType).delete('a', { namespace: 'ns', propagationPolicy: 'Foreground' });
      await h.until(() => get(h, configMapType, 'held')?.metadata.deletionTimestamp !== undefined, 'the blocking dependent being deleted');
      await h.quiesce();
      assert.ok(get(h, deploymentType, 'a'), 'the owner waits for its blocking dependent');
      const current = get(h, configMapType, 'held')!;
      h.api.put(configMapType, { ...current, metadata: { ...current.metadata, ownerReferences: [] } });
      await h.until(() => get(h, deploymentType, 'a') === undefined, 'the owner to go once nothing blocks it');
      assert.ok(get(h, configMapType, 'held'), 'the former dependent stays: it is no longer the owner\'s');
    });
  });

  it('sends no requests about objects that have no owners and are not being deleted', async () => {
    await withGc(async (h) => {
      for (let i = 0; i < 50; i++) h.api.put(configMapType, cm(`plain-${i}`));
      await h.quiesce();
      const before = h.api.requests.length;
      h.api.put(configMapType, cm('plain-late'));
      await h.quiesce();
      const calls = h.api.requests.slice(before).filter((r) => !r.url.includes('watch=true'));
      assert.deepEqual(calls.map((r) => `${r.method} ${r.url}`), []);
      assert.ok(get(h, configMapType, 'plain-0') && get(h, configMapType, 'plain-late'), 'nothing is collected');
    });
  });

  it('monitors types the server starts serving later, once it rediscovers', async () => {
    await withGc(async (h) => {
      const gadgets: ResourceType = { group: 'late.example.com', version: 'v1', kind: 'Gadget', resource: 'gadgets', singular: 'gadget', listKind: 'GadgetList', namespaced: true, shortNames: [], categories: [] };
      h.api.addType({ type: gadgets });
      h.api.put(gadgets, cm('stale-gadget', [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone', uid: 'gone-uid' }]));
      await h.quiesce();
      assert.ok(get(h, gadgets, 'stale-gadget'), 'not seen before the next discovery');
      await h.until(() => get(h, gadgets, 'stale-gadget') === undefined, 'the gadget collected after rediscovery', 10_000);
    });
  });

  it('leaves objects whose owner kind the server does not serve alone', async () => {
    await withGc(async (h) => {
      h.api.put(configMapType, cm('mystery', [{ apiVersion: 'example.com/v1', kind: 'Gadget', name: 'g', uid: 'u' }]));
      await h.quiesce();
      assert.ok(get(h, configMapType, 'mystery'));
    });
  });
});
