import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, makeNode, makePod, testHandle } from '../testing.ts';
import { CycleState } from './cycle-state.ts';
import { Framework } from './framework.ts';
import type { Plugin, PluginFactory } from './interface.ts';
import { newPodInfo } from './pod-info.ts';
import { SKIP, unschedulable } from './status.ts';

function frameworkWith(plugins: Record<string, Plugin>, names = Object.keys(plugins)) {
  const registry: Record<string, PluginFactory> = Object.fromEntries(Object.entries(plugins).map(([n, p]) => [n, () => p]));
  const cache = cacheWith([makeNode('a')]);
  return { fw: new Framework({ schedulerName: 's', plugins: names.map((name) => ({ name })) }, registry, testHandle(cache)), node: cache.get('a')! };
}

const binder = { name: 'Bind', bind: async () => null };

test('Framework rejects unknown plugins and profiles without a binder', () => {
  assert.throws(() => frameworkWith({ Bind: binder }, ['Bind', 'Nope']), /unknown plugin "Nope"; known plugins are Bind/);
  assert.throws(() => frameworkWith({ F: { name: 'F' } }), /has no bind plugin/);
});

test('a PreFilter Skip leaves that plugin out of Filter; the first rejection names its plugin', () => {
  const calls: string[] = [];
  const { fw, node } = frameworkWith({
    Skipper: { name: 'Skipper', preFilter: () => SKIP, filter: () => (calls.push('Skipper'), unschedulable('never')) } as Plugin,
    Rejecter: { name: 'Rejecter', filter: () => (calls.push('Rejecter'), unschedulable('no room')) } as Plugin,
    Later: { name: 'Later', filter: () => (calls.push('Later'), null) } as Plugin,
    Bind: binder,
  });
  const state = new CycleState();
  const pod = newPodInfo(makePod('p'));
  assert.equal(fw.runPreFilter(state, pod).status, null);
  const status = fw.runFilter(state, pod, node);
  assert.deepEqual(calls, ['Rejecter']);
  assert.equal(status?.plugin, 'Rejecter');
  assert.deepEqual(status?.reasons, ['no room']);
});

test('a failing Reserve unreserves every plugin in reverse order', () => {
  const calls: string[] = [];
  const reserver = (name: string, fail = false) => ({ name, reserve: () => (calls.push(`reserve ${name}`), fail ? unschedulable('x') : null), unreserve: () => calls.push(`unreserve ${name}`) });
  const { fw } = frameworkWith({ R1: reserver('R1'), R2: reserver('R2', true), R3: reserver('R3'), Bind: binder });
  const status = fw.runReserve(new CycleState(), newPodInfo(makePod('p')), 'a');
  assert.equal(status?.plugin, 'R2');
  assert.deepEqual(calls, ['reserve R1', 'reserve R2', 'unreserve R3', 'unreserve R2', 'unreserve R1']);
});

test('a binder that skips hands over to the next; a throwing binder is an Error status', async () => {
  const { fw } = frameworkWith({ Picky: { name: 'Picky', bind: async () => SKIP } as Plugin, Bind: binder });
  assert.equal(await fw.runBind(new CycleState(), newPodInfo(makePod('p')), 'a', new AbortController().signal), null);
  const broken = frameworkWith({ Bind: { name: 'Bind', bind: async () => Promise.reject(new Error('boom')) } as Plugin }).fw;
  const status = await broken.runBind(new CycleState(), newPodInfo(makePod('p')), 'a', new AbortController().signal);
  assert.equal(status?.code, 'Error');
  assert.match(status?.reasons[0] ?? '', /boom/);
});

test('pluginsInterestedIn() lists plugins naming the event, and those naming none', () => {
  const { fw } = frameworkWith({ A: { name: 'A', events: ['NodeAdd'] }, B: { name: 'B', events: [] }, C: { name: 'C' }, Bind: binder });
  assert.deepEqual([...fw.pluginsInterestedIn('NodeAdd')].sort(), ['A', 'Bind', 'C']);
  assert.deepEqual([...fw.pluginsInterestedIn('AssignedPodDelete')].sort(), ['Bind', 'C']);
});
