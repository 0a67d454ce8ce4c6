import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configMapType } from '../../api/core/v1/configmap.ts';
import { namespaceType } from '../../api/core/v1/namespace.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { DESCRIPTION_ANNOTATION, ROOT_CA_CONFIGMAP, ROOT_CA_DESCRIPTION, rootCaCertPublisherController } from './root-ca-cert-publisher.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const published = (h: ControllerHarness, ns: string): KubeObject | undefined => h.api.get(configMapType, ns, ROOT_CA_CONFIGMAP);
const caOf = (cm: KubeObject | undefined): unknown => (cm?.data as Record<string, string> | undefined)?.['ca.crt'];
const correct = (cm: KubeObject | undefined): boolean => caOf(cm) === CA && cm?.metadata.annotations?.[DESCRIPTION_ANNOTATION] === ROOT_CA_DESCRIPTION;

describe('root CA certificate publisher', () => {
  it('publishes kube-root-ca.crt in every active namespace and puts it back when deleted or changed', async () => {
    const h = await startControllers([rootCaCertPublisherController], {
      settings: { rootCaPem: CA },
      seed: (api) => {
        api.put(namespaceType, { metadata: { name: 'default' } });
        api.put(namespaceType, { metadata: { name: 'going', deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['x'] } });
      },
    });
    try {
      await h.until(() => correct(published(h, 'default')), 'the ConfigMap in default');
      assert.deepEqual(published(h, 'default')!.data, { 'ca.crt': CA });

      h.api.put(namespaceType, { metadata: { name: 'team-a' } });
      await h.until(() => correct(published(h, 'team-a')), 'the ConfigMap of a new namespace');

      h.api.delete(configMapType, 'team-a', ROOT_CA_CONFIGMAP);
      await h.until(() => correct(published(h, 'team-a')), 'the deleted ConfigMap put back');

      const cm = published(h, 'team-a')!;
      h.api.put(configMapType, { ...cm, metadata: { ...cm.metadata, annotations: { mine: 'kept' } }, data: { 'ca.crt': 'tampered', extra: 'x' } });
      await h.until(() => caOf(published(h, 'team-a')) === CA, 'the changed bundle restored');
      const restored = published(h, 'team-a')!;
      assert.deepEqual(restored.data, { 'ca.crt': CA }, 'the data is the bundle alone, as upstream writes it');
      assert.deepEqual(restored.metadata.annotations, { mine: 'kept', [DESCRIPTION_ANNOTATION]: ROOT_CA_DESCRIPTION }, 'other annotations stay');

      await h.quiesce();
      assert.equal(published(h, 'going'), undefined, 'none in a terminating namespace');
    } finally {
      await h.stop();
    }
  });

  it('publishes nothing without a CA', async () => {
    const h = await startControllers([rootCaCertPublisherController], { seed: (api) => api.put(namespaceType, { metadata: { name: 'default' } }) });
    try {
      await h.quiesce();
      assert.equal(published(h, 'default'), undefined);
    } finally {
      await h.stop();
    }
  });
});
