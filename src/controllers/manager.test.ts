import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceType } from '../api/resource-type.ts';
import { leaseType } from '../api/coordination/v1/lease.ts';
import { Clientset } from '../client/index.ts';
import { FakeApi } from '../client/testing/fake-api.ts';
import { FakeClock } from '../client/testing/fake-clock.ts';
import { waitFor } from '../client/testing/wait-for.ts';
import type { ControllerDescriptor } from './controller.ts';
import { runControllerManager } from './manager.ts';

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

describe('runControllerManager()', () => {
  it('runs the controllers only in the leading instance, and hands over on shutdown', async () => {
    const api = new FakeApi([{ type: widgets }, { type: leaseType }]);
    const url = await api.start();
    const clock = new FakeClock();
    const reconciled: string[] = [];
    const recorder = (who: string): ControllerDescriptor => ({
      name: 'recorder',
      primary: widgets,
      watches: [],
      create: () => ({
        reconcile: async (key) => {
          reconciled.push(`${who}:${key}`);
          return {};
        },
      }),
    });
    api.put(widgets, { metadata: { namespace: 'ns', name: 'w' } });

    const start = (who: string) => {
      const clientset = Clientset.fromOptions({ endpoints: [url] });
      const ac = new AbortController();
      const done = runControllerManager({ clientset, clock, controllers: [recorder(who)], leaderElection: { identity: who } }, ac.signal);
      return { who, clientset, ac, done };
    };
    const a = start('a');
    const b = start('b');
    const holder = (): string | undefined => (api.get(leaseType, 'kube-system', 'kube-controller-manager')?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
    try {
      await waitFor(async () => {
        await clock.advance(50);
        return reconciled.length > 0;
      }, 'the leader to reconcile');
      const leader = holder();
      assert.ok(leader === 'a' || leader === 'b');
      assert.deepEqual(reconciled, [`${leader}:ns/w`], 'only the leader reconciled');

      const [first, second] = leader === 'a' ? [a, b] : [b, a];
      first.ac.abort();
      await waitFor(async () => {
        await clock.advance(50);
        return reconciled.includes(`${second.who}:ns/w`);
      }, 'the standby to take over');
      assert.equal(holder(), second.who);
      await first.done;
    } finally {
      a.ac.abort();
      b.ac.abort();
      await Promise.all([a.done, b.done]);
      a.clientset.close();
      b.clientset.close();
      await api.close();
    }
  });

  it('starts a controller only once the server serves its type, and the others meanwhile', async () => {
    const gadgets: ResourceType = { ...widgets, kind: 'Gadget', resource: 'gadgets', singular: 'gadget', listKind: 'GadgetList' };
    const api = new FakeApi([{ type: widgets }]);
    const url = await api.start();
    api.put(widgets, { metadata: { namespace: 'ns', name: 'w' } });
    const clientset = Clientset.fromOptions({ endpoints: [url] });
    const clock = new FakeClock();
    const calls: string[] = [];
    const logs: string[] = [];
    const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
    const recorder = (name: string, primary: ResourceType): ControllerDescriptor => ({ name, primary, watches: [], create: () => ({ reconcile: async (key) => (calls.push(`${name}:${key}`), {}) }) });
    const ac = new AbortController();
    const done = runControllerManager({ clientset, clock, logger, controllers: [recorder('gadgets', gadgets), recorder('widgets', widgets)] }, ac.signal);
    try {
      await waitFor(() => calls.includes('widgets:ns/w'), 'the widget controller');
      assert.ok(logs.includes('controller waits: the server does not serve its resource'));
      api.addType({ type: gadgets });
      api.put(gadgets, { metadata: { namespace: 'ns', name: 'g' } });
      await waitFor(async () => {
        await clock.advance(5_000);
        return calls.includes('gadgets:ns/g');
      }, 'the gadget controller once its type is served');
    } finally {
      ac.abort();
      await done;
      clientset.close();
      await api.close();
    }
  });
});
