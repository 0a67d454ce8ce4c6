import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceType } from '../api/resource-type.ts';
import { Clientset, SharedInformerFactory, silentLogger, WorkQueue } from '../client/index.ts';
import { FakeApi } from '../client/testing/fake-api.ts';
import { FakeClock } from '../client/testing/fake-clock.ts';
import { waitFor } from '../client/testing/wait-for.ts';
import { noEvents } from '../client/testing/no-events.ts';
import type { ControllerContext, ControllerDescriptor, Reconciler, ReconcileResult } from './controller.ts';
import { TerminalError } from './controller.ts';
import { ownerKeys, processQueue, runController } from './runner.ts';
import { DEFAULT_CONTROLLER_SETTINGS } from './settings.ts';

const widgets: ResourceType = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  resource: 'widgets',
  singular: 'widget',
  listKind: 'WidgetList',
  namespaced: true,
  shortNames: [],
  categories: [],
};
const configmaps: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  listKind: 'ConfigMapList',
  namespaced: true,
  shortNames: [],
  categories: [],
};

async function harness(reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileResult>, workers = 1) {
  const api = new FakeApi([{ type: widgets }, { type: configmaps }]);
  const url = await api.start();
  const clientset = Clientset.fromOptions({ endpoints: [url] });
  const clock = new FakeClock();
  const ctx: ControllerContext = { clientset, informers: new SharedInformerFactory(clientset, { clock }), clock, logger: silentLogger, events: noEvents, settings: DEFAULT_CONTROLLER_SETTINGS };
  const reconciler: Reconciler = { reconcile };
  const descriptor: ControllerDescriptor = { name: 'widget-controller', primary: widgets, watches: [{ type: configmaps }], workers, create: () => reconciler };
  const ac = new AbortController();
  const done = runController(descriptor, ctx, ac.signal);
  return {
    api,
    clock,
    ctx,
    stop: async () => {
      ac.abort();
      await done;
      await ctx.informers.stopped();
      clientset.close();
      await api.close();
    },
  };
}

describe('runController()', () => {
  it('reconciles the key of each primary object and of the owner of each watched object', async () => {
    const calls: string[] = [];
    const h = await harness(async (key) => {
      calls.push(key);
      return {};
    });
    try {
      h.api.put(widgets, { metadata: { namespace: 'ns', name: 'w1' } });
      await waitFor(() => calls.includes('ns/w1'), 'the primary key');
      h.api.put(configmaps, {
        metadata: { namespace: 'ns', name: 'cm', ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w2', uid: 'u', controller: true }] },
      });
      h.api.put(configmaps, { metadata: { namespace: 'ns', name: 'orphan' } });
      await waitFor(() => calls.includes('ns/w2'), 'the owner key');
      assert.deepEqual(calls.sort(), ['ns/w1', 'ns/w2']);
    } finally {
      await h.stop();
    }
  });

  it('requeues after requeueAfterMs, retries errors with backoff, and drops terminal errors', async () => {
    const calls: string[] = [];
    const h = await harness(async (key) => {
      calls.push(key);
      const n = calls.filter((k) => k === key).length;
      if (key === 'ns/again' && n === 1) return { requeueAfterMs: 1000 };
      if (key === 'ns/flaky' && n <= 2) throw new Error('transient');
      if (key === 'ns/broken') throw new TerminalError('cannot ever work');
      return {};
    });
    try {
      for (const name of ['again', 'flaky', 'broken']) h.api.put(widgets, { metadata: { namespace: 'ns', name } });
      await waitFor(() => calls.length >= 3, 'first reconciles');
      const count = (k: string): number => calls.filter((c) => c === k).length;
      await h.clock.advance(5); // flaky: first retry after 5 ms
      await waitFor(() => count('ns/flaky') === 2, 'the first retry');
      await h.clock.advance(10); // second retry after 10 ms
      await waitFor(() => count('ns/flaky') === 3, 'the second retry');
      assert.equal(count('ns/again'), 1);
      await h.clock.advance(1000);
      await waitFor(() => count('ns/again') === 2, 'the requested requeue');
      await h.clock.advance(60_000);
      assert.equal(count('ns/broken'), 1, 'terminal errors are not retried');
      assert.equal(count('ns/flaky'), 3, 'success ends the retries');
    } finally {
      await h.stop();
    }
  });

  it('never reconciles one key in two workers at once, and reconciles again after changes during a reconcile', async () => {
    const active = new Set<string>();
    let overlaps = 0;
    let calls = 0;
    let release: (() => void) | undefined;
    const h = await harness(async (key) => {
      if (active.has(key)) overlaps++;
      active.add(key);
      calls++;
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      active.delete(key);
      return {};
    }, 4);
    try {
      h.api.put(widgets, { metadata: { namespace: 'ns', name: 'w', labels: { v: '0' } } });
      await waitFor(() => release !== undefined, 'the first reconcile to block');
      for (let i = 1; i <= 5; i++) h.api.put(widgets, { metadata: { namespace: 'ns', name: 'w', labels: { v: String(i) } } });
      const cache = h.ctx.informers.informerFor(widgets).store;
      await waitFor(() => cache.get('ns/w')?.metadata.labels?.v === '5', 'the updates to reach the cache');
      assert.equal(calls, 1, 'no second reconcile while the first holds the key');
      release?.();
      await waitFor(() => calls >= 2, 'one more reconcile for the updates');
      assert.equal(overlaps, 0);
    } finally {
      await h.stop();
    }
  });

  it('stops the workers and aborts the reconcile in flight when the signal aborts', async () => {
    let sawAbort = false;
    let started = false;
    const h = await harness(async (_key, signal) => {
      started = true;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      sawAbort = signal.aborted;
      return {};
    });
    h.api.put(widgets, { metadata: { namespace: 'ns', name: 'w' } });
    await waitFor(() => started, 'the reconcile to start');
    await h.stop();
    assert.equal(sawAbort, true);
  });

  it('ownerKeys() maps only controller references of the primary kind', () => {
    const ref = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'u' };
    assert.deepEqual(ownerKeys(widgets, { metadata: { namespace: 'ns', ownerReferences: [{ ...ref, controller: true }] } }), ['ns/w']);
    assert.deepEqual(ownerKeys(widgets, { metadata: { namespace: 'ns', ownerReferences: [ref] } }), []);
    assert.deepEqual(ownerKeys(widgets, { metadata: { namespace: 'ns', ownerReferences: [{ ...ref, kind: 'Gadget', controller: true }] } }), []);
  });

  it('starts and syncs the informers a reconciler asks for when created, before the first reconcile', async () => {
    const api = new FakeApi([{ type: widgets }, { type: configmaps }]);
    const url = await api.start();
    api.put(configmaps, { metadata: { namespace: 'ns', name: 'settings' } });
    api.put(widgets, { metadata: { namespace: 'ns', name: 'w' } });
    const clientset = Clientset.fromOptions({ endpoints: [url] });
    const clock = new FakeClock();
    const ctx: ControllerContext = { clientset, informers: new SharedInformerFactory(clientset, { clock }), clock, logger: silentLogger, events: noEvents, settings: DEFAULT_CONTROLLER_SETTINGS };
    const seen: number[] = [];
    const descriptor: ControllerDescriptor = {
      name: 'reader',
      primary: widgets,
      watches: [],
      create: (c) => {
        const cms = c.informers.informerFor(configmaps).store;
        return { reconcile: async () => (seen.push(cms.size), {}) };
      },
    };
    const ac = new AbortController();
    const done = runController(descriptor, ctx, ac.signal);
    try {
      await waitFor(() => seen.length > 0, 'the first reconcile');
      assert.deepEqual(seen, [1], 'the configmap cache was synced before the first reconcile');
    } finally {
      ac.abort();
      await done;
      await ctx.informers.stopped();
      clientset.close();
      await api.close();
    }
  });

  it('queues every primary key again each resyncPeriodMs', async () => {
    const calls: string[] = [];
    const api = new FakeApi([{ type: widgets }]);
    const url = await api.start();
    api.put(widgets, { metadata: { namespace: 'ns', name: 'a' } });
    api.put(widgets, { metadata: { namespace: 'ns', name: 'b' } });
    const clientset = Clientset.fromOptions({ endpoints: [url] });
    const clock = new FakeClock();
    const ctx: ControllerContext = { clientset, informers: new SharedInformerFactory(clientset, { clock }), clock, logger: silentLogger, events: noEvents, settings: DEFAULT_CONTROLLER_SETTINGS };
    const descriptor: ControllerDescriptor = { name: 'resync', primary: widgets, watches: [], resyncPeriodMs: 60_000, create: () => ({ reconcile: async (key) => (calls.push(key), {}) }) };
    const ac = new AbortController();
    const done = runController(descriptor, ctx, ac.signal);
    try {
      await waitFor(() => calls.length === 2, 'the initial reconciles');
      await clock.advance(59_000);
      assert.equal(calls.length, 2, 'nothing before the period');
      await clock.advance(1_000);
      await waitFor(() => calls.length === 4, 'the resync');
      assert.deepEqual(calls.slice(2).sort(), ['ns/a', 'ns/b']);
    } finally {
      ac.abort();
      await done;
      await ctx.informers.stopped();
      clientset.close();
      await api.close();
    }
  });

  it('a controller whose type the server does not serve waits alone; the others sharing its caches run', async () => {
    const gadgets: ResourceType = { ...widgets, kind: 'Gadget', resource: 'gadgets', singular: 'gadget', listKind: 'GadgetList' };
    const api = new FakeApi([{ type: widgets }]);
    const url = await api.start();
    api.put(widgets, { metadata: { namespace: 'ns', name: 'w' } });
    const clientset = Clientset.fromOptions({ endpoints: [url] });
    const clock = new FakeClock();
    const ctx: ControllerContext = { clientset, informers: new SharedInformerFactory(clientset, { clock }), clock, logger: silentLogger, events: noEvents, settings: DEFAULT_CONTROLLER_SETTINGS };
    const calls: string[] = [];
    const recorder = (name: string, primary: ResourceType): ControllerDescriptor => ({ name, primary, watches: [], create: () => ({ reconcile: async (key) => (calls.push(`${name}:${key}`), {}) }) });
    const ac = new AbortController();
    const done = Promise.all([runController(recorder('gadgets', gadgets), ctx, ac.signal), runController(recorder('widgets', widgets), ctx, ac.signal)]);
    try {
      await waitFor(() => calls.includes('widgets:ns/w'), 'the widget controller to run');
      assert.ok(!calls.some((c) => c.startsWith('gadgets:')));
    } finally {
      ac.abort();
      await done;
      await ctx.informers.stopped();
      clientset.close();
      await api.close();
    }
  });

  it('workers draining a long queue of reconciles that need no I/O let timers run meanwhile', async () => {
    const queue = new WorkQueue<string>();
    for (let i = 0; i < 200; i++) queue.add(`k${i}`);
    let reconciled = 0;
    let reconciledWhenTimerRan = -1;
    setTimeout(() => (reconciledWhenTimerRan = reconciled), 0);
    const ac = new AbortController();
    const reconcile = async (): Promise<ReconcileResult> => {
      const until = performance.now() + 1;
      while (performance.now() < until) {
        // Spin: a reconcile that finds nothing to do still costs CPU.
      }
      if (++reconciled === 200) queue.shutDown();
      return {};
    };
    await processQueue(queue, reconcile, { name: 'spinner', workers: 2, ctx: { logger: silentLogger } }, ac.signal);
    assert.equal(reconciled, 200);
    // At least 1 ms per reconcile and 10 ms slices: a timer due at once runs after about 10 of
    // the 200 (a slower machine makes it fewer), not after all of them.
    assert.ok(reconciledWhenTimerRan >= 0 && reconciledWhenTimerRan <= 30, `the timer ran after ${reconciledWhenTimerRan} reconciles`);
  });
});
