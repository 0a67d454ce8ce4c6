/**
 * Endpoints and EndpointSlices against the real apiserver: they follow pod readiness, resolve
 * named target ports, and leave selectorless services alone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentType } from '../../src/api/apps/v1/deployment.ts';
import { endpointsType } from '../../src/api/core/v1/endpoints.ts';
import { podType } from '../../src/api/core/v1/pod.ts';
import { serviceType } from '../../src/api/core/v1/service.ts';
import { endpointSliceType } from '../../src/api/discovery/v1/endpoint-slice.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { waitFor } from '../../src/client/testing/wait-for.ts';
import { startControllerCluster, type ControllerCluster } from '../support/controller-cluster.ts';

let cluster: ControllerCluster;
const NS = 'svc';

before(async () => {
  cluster = await startControllerCluster({ kubelet: { autoReady: false } });
  cluster.startManager('cm-1', false);
  await cluster.createNamespace(NS);
});
after(async () => {
  await cluster?.stop();
});

interface Subset {
  addresses?: { ip: string }[];
  notReadyAddresses?: { ip: string }[];
  ports?: { port: number }[];
}

const endpoints = async (): Promise<Subset[]> => ((await cluster.client.resource(endpointsType).get('web', { namespace: NS }).catch(() => ({ subsets: [] }))) as KubeObject).subsets as Subset[] ?? [];
const slices = async (): Promise<KubeObject[]> => (await cluster.client.resource(endpointSliceType).list({ namespace: NS, labelSelector: 'kubernetes.io/service-name=web' })).items;
const pods = async (): Promise<KubeObject[]> => (await cluster.client.resource(podType).list({ namespace: NS, labelSelector: 'app=web' })).items;

describe('Endpoints and EndpointSlices', () => {
  it('list the pods of a service as not ready until they are Ready, on the resolved named port', async () => {
    await cluster.client.resource(serviceType).create({ metadata: { name: 'web', namespace: NS }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] } });
    await cluster.client.resource(serviceType).create({ metadata: { name: 'manual', namespace: NS }, spec: { ports: [{ port: 80 }] } });
    await cluster.client.resource(deploymentType).create({
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'http', image: 'web:1', command: ['serve'], ports: [{ name: 'web', containerPort: 8080 }] }] } },
      },
    });
    await waitFor(async () => (await endpoints())[0]?.notReadyAddresses?.length === 2, 'two not-ready addresses', 30_000);
    assert.deepEqual((await endpoints())[0]?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const sliceList = await slices();
    assert.equal(sliceList.length, 1);
    assert.equal(sliceList[0]!.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.deepEqual(
      (sliceList[0]!.endpoints as { conditions: unknown }[]).map((e) => e.conditions),
      [
        { ready: false, serving: false, terminating: false },
        { ready: false, serving: false, terminating: false },
      ],
    );

    for (const p of await pods()) await cluster.kubelet.markReady(p);
    await waitFor(async () => (await endpoints())[0]?.addresses?.length === 2 && (await endpoints())[0]?.notReadyAddresses === undefined, 'two ready addresses', 30_000);
    await waitFor(async () => ((await slices())[0]?.endpoints as { conditions: { ready: boolean } }[] | undefined)?.every((e) => e.conditions.ready) === true, 'ready slice endpoints', 30_000);
    const ips = new Set((await pods()).map((p) => p.status.podIP as string));
    assert.deepEqual(new Set((await endpoints())[0]!.addresses!.map((a) => a.ip)), ips);

    const noEndpoints = await cluster.client.resource(endpointsType).get('manual', { namespace: NS }).catch((err: unknown) => err);
    assert.equal((noEndpoints as { code?: number }).code, 404, 'a service without a selector gets no Endpoints from the controller');
  });
});
