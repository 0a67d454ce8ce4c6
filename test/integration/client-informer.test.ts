/**
 * The client layer against the real apiserver (memory storage, HTTPS with a client
 * certificate): typed CRUD and its errors, informers, discovery, endpoint failover, leader
 * election on real Leases, and the namespace controller emptying a namespace.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leaseType } from '../../src/api/coordination/v1/lease.ts';
import { configMapType } from '../../src/api/core/v1/configmap.ts';
import { namespaceType } from '../../src/api/core/v1/namespace.ts';
import { startApiServer } from '../../src/apiserver/server.ts';
import type { RunningApiServer } from '../../src/apiserver/server.ts';
import {
  ApiError,
  Clientset,
  isAlreadyExists,
  isConflict,
  isNotFound,
  isTombstone,
  Informer,
  listerWatcherFor,
  LeaderElector,
  leaseLock,
  runEndpointsRefresher,
  SharedInformerFactory,
} from '../../src/client/index.ts';
import { endpointsType } from '../../src/api/core/v1/endpoints.ts';
import { refusedUrl } from '../../src/client/testing/fake-server.ts';
import { generateTestCerts } from '../../src/client/testing/test-certs.ts';
import type { TestCerts } from '../../src/client/testing/test-certs.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { runControllers } from '../../src/controllers/manager.ts';
import { namespaceController } from '../../src/controllers/namespace/namespace-controller.ts';
import { openStorage } from '../../src/storage/index.ts';
import type { Storage } from '../../src/storage/storage.ts';

const configmaps = configMapType;

let certs: TestCerts;
let storage: Storage;
let server: RunningApiServer;
let clientset: Clientset;

function newClientset(endpoints: string[]): Clientset {
  return Clientset.fromOptions({ endpoints, ca: certs.caPem, cert: certs.clientCertPem, key: certs.clientKeyPem });
}

async function createNamespace(name: string): Promise<void> {
  await clientset.resource(namespaceType).create({ metadata: { name } });
}

before(async () => {
  certs = await generateTestCerts('k8ts-test-admin', ['system:masters']);
  storage = await openStorage({ backend: 'memory' });
  server = await startApiServer({
    storage,
    bindAddress: '127.0.0.1',
    port: 0,
    tls: { certPem: certs.serverCertPem, keyPem: certs.serverKeyPem, clientCaPem: certs.caPem },
  });
  clientset = newClientset([server.url]);
});

after(async () => {
  clientset.close();
  await server.close();
  await storage.close();
});

describe('resource client against the apiserver', () => {
  it('creates, reads, updates, patches and deletes, with typed errors', async () => {
    await createNamespace('crud');
    const cms = clientset.resource(configmaps);
    const created = await cms.create({ metadata: { name: 'a', namespace: 'crud' }, data: { k: 'v1' } });
    assert.equal(created.kind, 'ConfigMap');
    assert.ok(created.metadata.resourceVersion);

    const dup = await cms.create({ metadata: { name: 'a', namespace: 'crud' } }).catch((e: unknown) => e);
    assert.ok(isAlreadyExists(dup), 'a second create is AlreadyExists');

    const updated = await cms.update({ ...created, data: { k: 'v2' } });
    assert.notEqual(updated.metadata.resourceVersion, created.metadata.resourceVersion);
    const stale = await cms.update({ ...created, data: { k: 'v3' } }).catch((e: unknown) => e);
    assert.ok(isConflict(stale), 'an update with a stale resourceVersion is a Conflict');

    const patched = await cms.patch('a', { data: { extra: 'x' } }, { namespace: 'crud' });
    assert.deepEqual(patched.data, { k: 'v2', extra: 'x' });
    const strategic = await cms.patch('a', { metadata: { labels: { app: 'web' } } }, { namespace: 'crud', type: 'strategic' });
    assert.equal(strategic.metadata.labels?.app, 'web');

    const list = await cms.list({ namespace: 'crud', labelSelector: 'app=web' });
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['a'],
    );

    const wrongUid = await cms.delete('a', { namespace: 'crud', preconditions: { uid: 'not-the-uid' } }).catch((e: unknown) => e);
    assert.ok(isConflict(wrongUid), 'a delete with a wrong uid precondition is a Conflict');
    await cms.delete('a', { namespace: 'crud' });
    const gone = await cms.get('a', { namespace: 'crud' }).catch((e: unknown) => e);
    assert.ok(gone instanceof ApiError && isNotFound(gone) && gone.reason === 'NotFound');
  });

  it('pages through a list with limit and continue', async () => {
    await createNamespace('paged');
    const cms = clientset.resource(configmaps);
    for (let i = 0; i < 7; i++) await cms.create({ metadata: { name: `cm-${i}`, namespace: 'paged' } });
    const first = await cms.list({ namespace: 'paged', limit: 3 });
    assert.equal(first.items.length, 3);
    assert.ok(first.metadata.continue);
    const all = await cms.listAll({ namespace: 'paged', limit: 3 });
    assert.equal(all.items.length, 7);
  });

  it('discovers configmaps, namespaces and leases', async () => {
    const { resources, failed } = await clientset.serverResources();
    assert.deepEqual(failed, []);
    const find = (group: string, resource: string) => resources.find((r) => r.group === group && r.resource === resource);
    assert.equal(find('', 'configmaps')?.namespaced, true);
    assert.equal(find('', 'namespaces')?.namespaced, false);
    assert.ok(find('coordination.k8s.io', 'leases')?.verbs.includes('update'));
  });

  it('fails over from a dead endpoint to a live one', async () => {
    const failover = newClientset([await refusedUrl(), server.url]);
    try {
      const ns = await failover.resource(namespaceType).get('default');
      assert.equal(ns.metadata.name, 'default');
      assert.equal(failover.rest.currentEndpoint, server.url);
    } finally {
      failover.close();
    }
  });
});

describe('informer against the apiserver', () => {
  it('reports the initial list, then ADD, UPDATE and DELETE from the watch', async () => {
    await createNamespace('watched');
    const cms = clientset.resource(configmaps);
    await cms.create({ metadata: { name: 'before', namespace: 'watched' }, data: { n: '0' } });

    const factory = new SharedInformerFactory(clientset);
    const informer = factory.informerFor(configmaps, { namespace: 'watched' });
    const events: string[] = [];
    informer.addEventHandler({
      onAdd: (o, initial) => events.push(`add ${o.metadata.name}${initial ? ' initial' : ''}`),
      onUpdate: (a, b) => events.push(`update ${b.metadata.name} ${(a.data as Record<string, string>).n}->${(b.data as Record<string, string>).n}`),
      onDelete: (o) => events.push(`delete ${isTombstone(o) ? o.obj.metadata.name : o.metadata.name}`),
    });
    const ac = new AbortController();
    factory.start(ac.signal);
    try {
      assert.equal(await factory.waitForCacheSync(ac.signal), true);
      assert.deepEqual(events, ['add before initial']);

      const made = await cms.create({ metadata: { name: 'later', namespace: 'watched' }, data: { n: '1' } });
      await waitFor(() => events.includes('add later'), 'ADDED');
      await cms.update({ ...made, data: { n: '2' } });
      await waitFor(() => events.includes('update later 1->2'), 'MODIFIED');
      await cms.delete('later', { namespace: 'watched' });
      await waitFor(() => events.includes('delete later'), 'DELETED');

      assert.deepEqual(informer.store.keys(), ['watched/before']);
      assert.ok(Number(informer.lastSyncResourceVersion) > 0);
    } finally {
      ac.abort();
      await factory.stopped();
    }
  });
});

describe('informer relisting on 410', () => {
  it('relists when the apiserver answers a watch from a too-old resourceVersion with 410', async () => {
    await createNamespace('expired');
    await clientset.resource(configmaps).create({ metadata: { name: 'a', namespace: 'expired' } });
    // A fresh apiserver's watch history starts at the store's current revision.
    const fresh = await startApiServer({
      storage,
      bindAddress: '127.0.0.1',
      port: 0,
      tls: { certPem: certs.serverCertPem, keyPem: certs.serverKeyPem, clientCaPem: certs.caPem },
    });
    const component = newClientset([fresh.url]);
    const cms = component.resource(configmaps);
    const real = listerWatcherFor(cms, { namespace: 'expired' });
    let lists = 0;
    const informer = new Informer({
      listerWatcher: {
        // The first list claims a resourceVersion older than the apiserver's history.
        list: async (opts) => {
          const list = await real.list(opts);
          if (lists++ === 0) list.metadata.resourceVersion = '1';
          return list;
        },
        watch: (opts) => real.watch(opts),
      },
    });
    const ac = new AbortController();
    const running = informer.run(ac.signal);
    try {
      await waitFor(() => lists === 2, 'a relist after the 410');
      await cms.create({ metadata: { name: 'b', namespace: 'expired' } });
      await waitFor(() => informer.store.get('expired/b') !== undefined, 'events after the relist');
      assert.equal(lists, 2);
    } finally {
      ac.abort();
      await running;
      component.close();
      await fresh.close();
    }
  });
});

describe('two apiservers on one store', () => {
  it('a client learns both from the kubernetes Endpoints, and its informer carries on when one closes', async () => {
    const second = await startApiServer({
      storage,
      bindAddress: '127.0.0.1',
      port: 0,
      tls: { certPem: certs.serverCertPem, keyPem: certs.serverKeyPem, clientCaPem: certs.caPem },
    });
    const third = await startApiServer({
      storage,
      bindAddress: '127.0.0.1',
      port: 0,
      tls: { certPem: certs.serverCertPem, keyPem: certs.serverKeyPem, clientCaPem: certs.caPem },
    });
    const port = (url: string): number => Number(new URL(url).port);
    const subset = (url: string) => ({ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: port(url), protocol: 'TCP' }] });
    await clientset.resource(endpointsType).create({ metadata: { name: 'kubernetes', namespace: 'default' }, subsets: [subset(second.url), subset(third.url)] });
    await createNamespace('ha');

    const component = newClientset([second.url]);
    const ac = new AbortController();
    const refresher = runEndpointsRefresher(component, ac.signal, { readinessIntervalMs: 0 });
    const factory = new SharedInformerFactory(component);
    const informer = factory.informerFor(configmaps, { namespace: 'ha' });
    try {
      await waitFor(() => component.rest.endpoints.length === 2, 'the endpoints from the kubernetes Endpoints');
      assert.deepEqual([...component.rest.endpoints].sort(), [second.url, third.url].sort());
      factory.start(ac.signal);
      assert.equal(await factory.waitForCacheSync(ac.signal), true);
      assert.equal(component.rest.currentEndpoint, second.url);

      await second.close(); // ends its watches; the informer re-watches on the other apiserver
      await clientset.resource(configmaps).create({ metadata: { name: 'after-failover', namespace: 'ha' } });
      await waitFor(() => informer.store.get('ha/after-failover') !== undefined, 'the event through the other apiserver');
      assert.equal(component.rest.currentEndpoint, third.url);
      assert.equal((await component.resource(namespaceType).get('ha')).metadata.name, 'ha');
    } finally {
      ac.abort();
      await Promise.all([refresher, factory.stopped()]);
      component.close();
      await second.close();
      await third.close();
    }
  });
});

describe('leader election on real Leases', () => {
  it('elects one leader and hands over at once on release', async () => {
    const started: string[] = [];
    const make = (id: string) => {
      const ac = new AbortController();
      const elector = new LeaderElector({
        lock: leaseLock(clientset, 'kube-system', 'client-integration'),
        identity: id,
        onStartedLeading: () => {
          started.push(id);
        },
      });
      return { id, ac, elector, done: elector.run(ac.signal) };
    };
    const a = make('a');
    await waitFor(() => a.elector.isLeader(), 'a to lead');
    const b = make('b');
    try {
      const lease = await clientset.resource(leaseType).get('client-integration', { namespace: 'kube-system' });
      assert.equal((lease.spec as { holderIdentity?: string }).holderIdentity, 'a');
      const released = Date.now();
      a.ac.abort();
      await a.done;
      await waitFor(() => b.elector.isLeader(), 'b to take over');
      assert.ok(Date.now() - released < 2000, 'the standby took over without waiting for the lease to expire');
      assert.deepEqual(started, ['a', 'b']);
    } finally {
      a.ac.abort();
      b.ac.abort();
      await Promise.all([a.done, b.done]);
    }
  });
});

describe('leader election after a crash', () => {
  it('a standby waits out the lease of a leader that stopped renewing, then takes over', async (t) => {
    const make = (id: string, releaseOnCancel: boolean) => {
      const ac = new AbortController();
      const elector = new LeaderElector({
        lock: leaseLock(clientset, 'kube-system', 'client-integration-crash'),
        identity: id,
        releaseOnCancel,
        onStartedLeading: () => undefined,
      });
      return { ac, elector, done: elector.run(ac.signal) };
    };
    const a = make('a', false);
    await waitFor(() => a.elector.isLeader(), 'a to lead');
    const b = make('b', true);
    try {
      await new Promise((r) => setTimeout(r, 700)); // b observes a few renewals
      const crashedAt = performance.now();
      a.ac.abort(); // stops renewing and does not release, like kill -9
      await a.done;
      await waitFor(() => b.elector.isLeader(), 'b to take over', 15_000);
      const takeover = performance.now() - crashedAt;
      t.diagnostic(`takeover after the leader stopped: ${Math.round(takeover)} ms`);
      // Safety: b may not lead before a's last renewal (at most one retry period before the
      // crash) plus the lease duration; in practice it takes over within ~3 s.
      assert.ok(takeover >= 2000 - 500, `took over after ${takeover} ms, before the lease could expire`);
    } finally {
      a.ac.abort();
      b.ac.abort();
      await Promise.all([a.done, b.done]);
    }
  });
});

describe('namespace controller against the apiserver', () => {
  it('deletes a namespace together with its contents', async () => {
    await createNamespace('doomed');
    await createNamespace('kept');
    const cms = clientset.resource(configmaps);
    for (const ns of ['doomed', 'kept']) for (const name of ['x', 'y']) await cms.create({ metadata: { name, namespace: ns } });

    const ac = new AbortController();
    const running = runControllers([namespaceController], { clientset }, ac.signal);
    try {
      const namespaces = clientset.resource(namespaceType);
      await namespaces.delete('doomed');
      await waitFor(
        async () =>
          namespaces.get('doomed').then(
            () => false,
            (err: unknown) => isNotFound(err),
          ),
        'the namespace to be removed',
        30_000,
      );
      assert.deepEqual((await cms.list({ namespace: 'doomed' })).items, []);
      assert.equal((await cms.list({ namespace: 'kept' })).items.length, 2);
    } finally {
      ac.abort();
      await running;
    }
  });
});
