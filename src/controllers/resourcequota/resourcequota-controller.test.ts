import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { podType } from '../../api/core/v1/pod.ts';
import { resourceQuotaType } from '../../api/core/v1/resource-quota.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { CONTROLLER_TEST_TYPES, startControllers } from '../testing/harness.ts';
import { configMapType } from '../../api/core/v1/configmap.ts';
import { OBJECT_RECOUNT_MS, resourceQuotaController } from './resourcequota-controller.ts';

function pod(name: string, cpu: string, memory: string, phase = 'Running'): KubeObject {
  return {
    metadata: { name, namespace: 'shop' },
    spec: { containers: [{ name: 'c', image: 'img', resources: { requests: { cpu, memory }, limits: { memory } } }] },
    status: { phase },
  };
}

describe('resourcequota controller', () => {
  it('keeps status.hard and status.used in step with the pods of the namespace', async () => {
    const h = await startControllers([resourceQuotaController], {
      types: [...CONTROLLER_TEST_TYPES, { type: resourceQuotaType, status: true }],
      seed: (api) => {
        api.put(resourceQuotaType, { metadata: { name: 'q', namespace: 'shop' }, spec: { hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '1Gi', 'limits.memory': '2Gi', services: '3' } } });
        api.put(podType, pod('a', '250m', '64Mi'));
        api.put(podType, pod('done', '1', '1Gi', 'Succeeded'));
        api.put(podType, { ...pod('elsewhere', '1', '1Gi'), metadata: { name: 'elsewhere', namespace: 'other' } });
      },
    });
    const used = (): unknown => h.api.get(resourceQuotaType, 'shop', 'q')?.status?.used;
    try {
      await h.until(() => used() !== undefined, 'the first usage');
      assert.deepEqual(h.api.get(resourceQuotaType, 'shop', 'q')?.status, {
        hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '1Gi', 'limits.memory': '2Gi', services: '3' },
        used: { pods: '1', 'requests.cpu': '250m', 'requests.memory': '64Mi', 'limits.memory': '64Mi', services: '0' },
      });
      h.api.put(podType, pod('b', '1', '128Mi'));
      await h.until(() => (used() as Record<string, string>)['pods'] === '2', 'the second pod counted');
      assert.deepEqual(used(), { pods: '2', 'requests.cpu': '1250m', 'requests.memory': '192Mi', 'limits.memory': '192Mi', services: '0' });
      h.api.delete(podType, 'shop', 'a');
      await h.until(() => (used() as Record<string, string>)['pods'] === '1', 'the deleted pod no longer counted');
      assert.equal((used() as Record<string, string>)['requests.cpu'], '1');
    } finally {
      await h.stop();
    }
  });

  it('counts the objects of other kinds a quota names, and recounts them on a timer', async () => {
    const h = await startControllers([resourceQuotaController], {
      types: [...CONTROLLER_TEST_TYPES, { type: resourceQuotaType, status: true }],
      seed: (api) => {
        api.put(resourceQuotaType, { metadata: { name: 'q', namespace: 'shop' }, spec: { hard: { 'count/configmaps': '5', configmaps: '5', 'count/widgets.example.com': '1' } } });
        api.put(configMapType, { metadata: { name: 'a', namespace: 'shop' } });
        api.put(configMapType, { metadata: { name: 'b', namespace: 'shop' } });
        api.put(configMapType, { metadata: { name: 'c', namespace: 'other' } });
      },
    });
    const used = (): Record<string, string> | undefined => h.api.get(resourceQuotaType, 'shop', 'q')?.status?.used;
    try {
      await h.until(() => used() !== undefined, 'the first count');
      // Widgets are not served: no entry for them.
      assert.deepEqual(used(), { 'count/configmaps': '2', configmaps: '2' });
      h.api.delete(configMapType, 'shop', 'a');
      await h.clock.advance(OBJECT_RECOUNT_MS);
      await h.until(() => used()?.['count/configmaps'] === '1', 'the recount after a deletion');
    } finally {
      await h.stop();
    }
  });

  it('leaves a charge admission wrote alone until a pod change or the spec says to recount', async () => {
    const h = await startControllers([resourceQuotaController], {
      types: [...CONTROLLER_TEST_TYPES, { type: resourceQuotaType, status: true }],
      seed: (api) => api.put(resourceQuotaType, { metadata: { name: 'q', namespace: 'shop' }, spec: { hard: { pods: '2' } } }),
    });
    const used = (): Record<string, string> | undefined => h.api.get(resourceQuotaType, 'shop', 'q')?.status?.used;
    try {
      await h.until(() => used()?.['pods'] === '0', 'the first count');
      // Quota admission charges a pod before storing it: the pod is not there yet.
      const quota = h.api.get(resourceQuotaType, 'shop', 'q')!;
      h.api.put(resourceQuotaType, { ...quota, status: { ...quota.status, used: { pods: '1' } } });
      await h.quiesce();
      assert.equal(used()?.['pods'], '1', 'a recount now would undo the charge');
      h.api.put(podType, pod('a', '100m', '1Mi'));
      await h.quiesce();
      assert.equal(used()?.['pods'], '1');
      h.api.put(resourceQuotaType, { ...h.api.get(resourceQuotaType, 'shop', 'q')!, status: { hard: { pods: '2' }, used: { pods: '2' } } });
      await h.quiesce();
      h.api.put(resourceQuotaType, { ...h.api.get(resourceQuotaType, 'shop', 'q')!, spec: { hard: { pods: '3' } } });
      await h.until(() => used()?.['pods'] === '1' && h.api.get(resourceQuotaType, 'shop', 'q')?.status?.hard?.pods === '3', 'the recount a spec change asks for');
    } finally {
      await h.stop();
    }
  });
});
