import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endpointsType } from '../../api/core/v1/endpoints.ts';
import { podType } from '../../api/core/v1/pod.ts';
import { serviceType } from '../../api/core/v1/service.ts';
import { endpointSliceType } from '../../api/discovery/v1/endpoint-slice.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import type { FakeApi } from '../../client/testing/fake-api.ts';
import { endpointSliceController, MAX_ENDPOINTS_PER_SLICE } from '../endpointslice/endpointslice-controller.ts';
import { startControllers, type ControllerHarness } from '../testing/harness.ts';
import { endpointsController } from './endpoints-controller.ts';

function service(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { namespace: 'ns', name, labels: { team: 'a' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }], clusterIP: '127.11.1.10', ...extra },
  };
}

/** A pod of app=web with a named port `http` on `port`, an IP when given, and a Ready condition. */
function webPod(name: string, opts: { ip?: string; ready?: boolean; port?: number; terminating?: boolean; node?: string }): KubeObject {
  return {
    metadata: { namespace: 'ns', name, labels: { app: 'web' }, ...(opts.terminating ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: opts.node ?? 'worker-1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: opts.port ?? 8080, protocol: 'TCP' }] }] },
    status: {
      phase: 'Running',
      ...(opts.ip ? { podIP: opts.ip, podIPs: [{ ip: opts.ip }] } : {}),
      conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'False' }],
    },
  };
}

function seedPods(api: FakeApi): void {
  api.put(podType, webPod('a', { ip: '127.21.1.1', ready: true }));
  api.put(podType, webPod('b', { ip: '127.21.1.2', ready: false }));
  api.put(podType, webPod('c', { ip: '127.21.1.3', ready: true, port: 9090, node: 'worker-2' }));
  api.put(podType, webPod('no-ip', { ready: true }));
  api.put(podType, webPod('leaving', { ip: '127.21.1.4', ready: true, terminating: true }));
  api.put(podType, { ...webPod('other', { ip: '127.21.1.5', ready: true }), metadata: { namespace: 'ns', name: 'other', labels: { app: 'other' } } });
}

const ips = (addresses: { ip: string }[] | undefined): string[] => (addresses ?? []).map((a) => a.ip);

interface Subset {
  addresses?: { ip: string; nodeName: string; targetRef: { name: string } }[];
  notReadyAddresses?: { ip: string }[];
  ports: unknown[];
}
/** The stored Endpoints' subsets. */
const subsets = (h: ControllerHarness, namespace: string, name: string): Subset[] | undefined => h.api.get(endpointsType, namespace, name)?.subsets as Subset[] | undefined;

async function withControllers(seed: (api: FakeApi) => void, body: (h: ControllerHarness) => Promise<void>): Promise<void> {
  const h = await startControllers([endpointsController, endpointSliceController], { seed });
  try {
    await body(h);
  } finally {
    await h.stop();
  }
}

describe('endpoints controller', () => {
  it('lists ready and not-ready pod IPs per resolved port, leaving out terminating pods and pods without an IP', async () => {
    await withControllers(
      (api) => {
        api.put(serviceType, service('web'));
        seedPods(api);
      },
      async (h) => {
        await h.until(() => subsets(h, 'ns', 'web')?.length === 2, 'two subsets');
        const ep = h.api.get(endpointsType, 'ns', 'web')!;
        assert.deepEqual(ep.metadata.labels, { team: 'a' });
        const [s8080, s9090] = ep.subsets as Subset[];
        assert.deepEqual(s8080!.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
        assert.deepEqual(ips(s8080!.addresses), ['127.21.1.1']);
        assert.deepEqual(ips(s8080!.notReadyAddresses), ['127.21.1.2']);
        assert.equal(s8080!.addresses![0]!.nodeName, 'worker-1');
        assert.equal(s8080!.addresses![0]!.targetRef.name, 'a');
        assert.deepEqual(s9090!.ports, [{ name: 'web', port: 9090, protocol: 'TCP' }]);
        assert.deepEqual(ips(s9090!.addresses), ['127.21.1.3']);

        const b = h.api.get(podType, 'ns', 'b')!;
        h.api.put(podType, { ...b, status: { ...b.status, conditions: [{ type: 'Ready', status: 'True' }] } });
        await h.until(() => ips(subsets(h, 'ns', 'web')?.[0]?.addresses).length === 2, 'b to become ready');
        assert.equal(subsets(h, 'ns', 'web')?.[0]?.notReadyAddresses, undefined);
        h.api.delete(podType, 'ns', 'a');
        await h.until(() => ips(subsets(h, 'ns', 'web')?.[0]?.addresses).join() === '127.21.1.2', 'a to be removed');
      },
    );
  });

  it('publishes not-ready pods as ready addresses with publishNotReadyAddresses', async () => {
    await withControllers(
      (api) => {
        api.put(serviceType, service('web', { publishNotReadyAddresses: true }));
        seedPods(api);
      },
      async (h) => {
        await h.until(() => subsets(h, 'ns', 'web') !== undefined, 'endpoints');
        await h.quiesce();
        assert.deepEqual(ips(subsets(h, 'ns', 'web')?.[0]?.addresses), ['127.21.1.1', '127.21.1.2']);
      },
    );
  });

  it('leaves services without a selector and default/kubernetes alone, and deletes the Endpoints of a deleted service', async () => {
    await withControllers(
      (api) => {
        api.put(serviceType, service('web'));
        api.put(serviceType, { metadata: { namespace: 'ns', name: 'manual' }, spec: { ports: [{ port: 80 }] } });
        api.put(endpointsType, { metadata: { namespace: 'ns', name: 'manual' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] });
        api.put(serviceType, { metadata: { namespace: 'default', name: 'kubernetes' }, spec: { ports: [{ port: 443 }] } });
        api.put(endpointsType, { metadata: { namespace: 'default', name: 'kubernetes' }, subsets: [{ addresses: [{ ip: '127.10.1.1' }] }] });
        seedPods(api);
      },
      async (h) => {
        await h.until(() => h.api.get(endpointsType, 'ns', 'web') !== undefined, 'the managed endpoints');
        await h.quiesce();
        assert.deepEqual(ips(subsets(h, 'ns', 'manual')?.[0]?.addresses), ['10.0.0.1']);
        assert.deepEqual(ips(subsets(h, 'default', 'kubernetes')?.[0]?.addresses), ['127.10.1.1']);
        h.api.delete(serviceType, 'ns', 'web');
        await h.until(() => h.api.get(endpointsType, 'ns', 'web') === undefined, 'the endpoints of the deleted service to go');
      },
    );
  });
});

describe('endpointslice controller', () => {
  it('writes labelled, owned slices with ready/serving/terminating conditions, one per port set', async () => {
    await withControllers(
      (api) => {
        api.put(serviceType, service('web'));
        seedPods(api);
      },
      async (h) => {
        await h.until(() => h.list(endpointSliceType, 'ns').length === 2, 'two slices');
        const svc = h.api.get(serviceType, 'ns', 'web')!;
        const port = (slice: KubeObject): number => (slice.ports as { port: number }[])[0]!.port;
        const slices = h.list(endpointSliceType, 'ns').sort((x, y) => port(x) - port(y));
        for (const s of slices) {
          assert.match(s.metadata.name ?? '', /^web-/);
          assert.equal(s.addressType, 'IPv4');
          assert.equal(s.metadata.labels?.['kubernetes.io/service-name'], 'web');
          assert.equal(s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
          assert.equal(s.metadata.labels?.team, 'a');
          assert.equal(s.metadata.ownerReferences?.[0]?.uid, svc.metadata.uid);
        }
        const byIP = new Map((slices[0]!.endpoints as { addresses: string[]; conditions: unknown; nodeName: string }[]).map((e) => [e.addresses[0], e]));
        assert.deepEqual(slices[0]!.ports, [{ name: 'web', port: 8080, protocol: 'TCP' }]);
        assert.deepEqual(byIP.get('127.21.1.1')?.conditions, { ready: true, serving: true, terminating: false });
        assert.deepEqual(byIP.get('127.21.1.2')?.conditions, { ready: false, serving: false, terminating: false });
        assert.deepEqual(byIP.get('127.21.1.4')?.conditions, { ready: false, serving: true, terminating: true });
        assert.equal(byIP.get('127.21.1.1')?.nodeName, 'worker-1');
        assert.deepEqual(slices[1]!.ports, [{ name: 'web', port: 9090, protocol: 'TCP' }]);

        h.api.delete(podType, 'ns', 'c');
        await h.until(() => h.list(endpointSliceType, 'ns').length === 1, 'the 9090 slice to go with its only pod');
      },
    );
  });

  it(`splits more than ${MAX_ENDPOINTS_PER_SLICE} endpoints over several slices, and keeps a placeholder slice with none`, async () => {
    await withControllers(
      (api) => {
        api.put(serviceType, service('web'));
        api.put(serviceType, { ...service('empty'), spec: { ...service('empty').spec, selector: { app: 'nothing' } } });
        for (let i = 0; i < 150; i++) api.put(podType, webPod(`p${i}`, { ip: `127.21.2.${i + 1}`, ready: true }));
      },
      async (h) => {
        const of = (svc: string): KubeObject[] => h.list(endpointSliceType, 'ns').filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
        const count = (slice: KubeObject): number => (slice.endpoints as unknown[]).length;
        await h.until(() => of('web').reduce((n, s) => n + count(s), 0) === 150, 'all endpoints');
        assert.deepEqual(of('web').map(count).sort(), [100, 50]);
        await h.until(() => of('empty').length === 1, 'the placeholder');
        assert.deepEqual(of('empty')[0]!.endpoints, []);
      },
    );
  });
});
