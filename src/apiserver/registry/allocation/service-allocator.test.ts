import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/meta/types.ts';
import { MemoryStorage } from '../../../storage/memory/memory-storage.ts';
import { ApiError } from '../../errors.ts';
import { parsePortRange } from '../../../util/port-range.ts';
import { NODE_PORT_PREFIX, SERVICE_IP_PREFIX, ServiceAllocator } from './service-allocator.ts';

function service(name: string, spec: Record<string, unknown>, uid = `uid-${name}`): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }], ...spec } };
}

async function keys(storage: MemoryStorage, prefix: string): Promise<string[]> {
  return (await storage.list(prefix)).kvs.map((kv) => kv.key.slice(prefix.length));
}

function allocator(storage: MemoryStorage, range = '127.11.1.0/24', ports = '30000-32767'): ServiceAllocator {
  return new ServiceAllocator({ storage, clusterIpRange: range, nodePortRange: ports });
}

async function rejects422(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, 422);
    assert.match(err.message, message);
    return true;
  });
}

void test('an empty clusterIP gets a free address of the range, never the first one, and is recorded', async () => {
  const storage = new MemoryStorage();
  const alloc = allocator(storage, '127.11.1.0/29');
  const seen = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const svc = service(`s${i}`, {});
    await (await alloc.reserve(svc, undefined, false)).commit();
    const spec = svc.spec as Record<string, unknown>;
    seen.add(spec.clusterIP as string);
    assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
    assert.deepEqual(spec.ipFamilies, ['IPv4']);
  }
  // /29: .1-.6 usable, .1 reserved for the kubernetes Service: exactly .2-.6.
  assert.deepEqual([...seen].sort(), ['127.11.1.2', '127.11.1.3', '127.11.1.4', '127.11.1.5', '127.11.1.6']);
  assert.deepEqual((await keys(storage, SERVICE_IP_PREFIX)).sort(), [...seen].sort());
  await assert.rejects(alloc.reserve(service('full', {}), undefined, false), (err: unknown) => err instanceof ApiError && err.code === 500 && /range is full/.test(err.message));
});

void test('a requested clusterIP is honoured when free, refused (422) when taken or outside the range', async () => {
  const storage = new MemoryStorage();
  const alloc = allocator(storage);
  const a = service('a', { clusterIP: '127.11.1.50' });
  await alloc.reserve(a, undefined, false);
  assert.equal((a.spec as Record<string, unknown>).clusterIP, '127.11.1.50');
  await rejects422(alloc.reserve(service('b', { clusterIP: '127.11.1.50' }), undefined, false), /spec\.clusterIPs: Invalid value: \["127\.11\.1\.50"\]: failed to allocate IP 127\.11\.1\.50: provided IP is already allocated/);
  await rejects422(alloc.reserve(service('c', { clusterIP: '10.0.0.1' }), undefined, false), /not in the valid range\. The range of valid IPs is 127\.11\.1\.0\/24/);
  await rejects422(alloc.reserve(service('d', { clusterIP: '127.11.1.255' }), undefined, false), /not in the valid range/);
  // The first address can be asked for by value (the kubernetes Service does).
  const k = service('kubernetes', { clusterIP: alloc.kubernetesServiceIP });
  await alloc.reserve(k, undefined, false);
  assert.equal(alloc.kubernetesServiceIP, '127.11.1.1');
});

void test('headless and ExternalName services get no cluster IP', async () => {
  const storage = new MemoryStorage();
  const alloc = allocator(storage);
  const headless = service('h', { clusterIP: 'None' });
  await alloc.reserve(headless, undefined, false);
  assert.deepEqual((headless.spec as Record<string, unknown>).clusterIPs, ['None']);
  const ext = service('e', { type: 'ExternalName', externalName: 'example.com' });
  await alloc.reserve(ext, undefined, false);
  assert.equal((ext.spec as Record<string, unknown>).clusterIP, undefined);
  assert.deepEqual(await keys(storage, SERVICE_IP_PREFIX), []);
});

void test('IPv6 and dual-stack requests are refused: the cluster is IPv4 single-stack', async () => {
  const alloc = allocator(new MemoryStorage());
  await rejects422(alloc.reserve(service('a', { ipFamilies: ['IPv6'] }), undefined, false), /spec\.ipFamilies\[0\]: Invalid value: "IPv6": not configured on this cluster/);
  await rejects422(alloc.reserve(service('b', { ipFamilyPolicy: 'RequireDualStack' }), undefined, false), /this cluster is not configured for dual-stack services/);
});

void test('a dry run allocates nothing', async () => {
  const storage = new MemoryStorage();
  const alloc = allocator(storage);
  const svc = service('a', { type: 'NodePort' });
  const r = await alloc.reserve(svc, undefined, true);
  await r.rollback();
  const spec = svc.spec as { clusterIP: string; ports: { nodePort: number }[] };
  assert.match(spec.clusterIP, /^127\.11\.1\./);
  assert.ok(spec.ports[0]!.nodePort >= 30000);
  assert.deepEqual(await keys(storage, SERVICE_IP_PREFIX), []);
  assert.deepEqual(await keys(storage, NODE_PORT_PREFIX), []);
});

void test('rollback gives back what reserve took; commit of a removal gives back everything', async () => {
  const storage = new MemoryStorage();
  const alloc = allocator(storage);
  const svc = service('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] });
  await (await alloc.reserve(svc, undefined, false)).rollback();
  assert.deepEqual(await keys(storage, SERVICE_IP_PREFIX), []);
  assert.deepEqual(await keys(storage, NODE_PORT_PREFIX), []);

  const kept = service('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] });
  await (await alloc.reserve(kept, undefined, false)).commit();
  assert.equal((await keys(storage, SERVICE_IP_PREFIX)).length, 1);
  assert.deepEqual(await keys(storage, NODE_PORT_PREFIX), ['30080']);
  await (await alloc.reserve(undefined, kept, false)).commit();
  assert.deepEqual(await keys(storage, SERVICE_IP_PREFIX), []);
  assert.deepEqual(await keys(storage, NODE_PORT_PREFIX), []);
});

void test('node ports: requested ones honoured, taken or out-of-range ones refused, same port number shares one', async () => {
  const storage = new MemoryStorage();
  const alloc = allocator(storage, '127.11.1.0/24', '30000-30010');
  const a = service('a', {
    type: 'NodePort',
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'web', port: 80, protocol: 'TCP', nodePort: 30005 },
    ],
  });
  await (await alloc.reserve(a, undefined, false)).commit();
  const ports = (a.spec as { ports: { nodePort: number }[] }).ports;
  assert.equal(ports[0]!.nodePort, ports[1]!.nodePort);
  assert.equal(ports[2]!.nodePort, 30005);
  assert.deepEqual((await keys(storage, NODE_PORT_PREFIX)).sort(), [String(ports[0]!.nodePort), '30005'].sort());
  await rejects422(
    alloc.reserve(service('b', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30005 }] }), undefined, false),
    /spec\.ports\[0\]\.nodePort: Invalid value: 30005: provided port is already allocated/,
  );
  await rejects422(
    alloc.reserve(service('c', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 31000 }] }), undefined, false),
    /provided port is not in the valid range\. The range of valid ports is 30000-30010/,
  );
  // The failed reservations left nothing behind (their cluster IPs were given back too).
  assert.equal((await keys(storage, SERVICE_IP_PREFIX)).length, 1);
});

void test('updates: a type change allocates and releases; an unchanged service takes nothing new', async () => {
  const storage = new MemoryStorage();
  const alloc = allocator(storage);
  const v1 = service('a', {});
  await (await alloc.reserve(v1, undefined, false)).commit();
  const ip = (v1.spec as Record<string, unknown>).clusterIP;

  const v2 = structuredClone(v1);
  (v2.spec as Record<string, unknown>).type = 'NodePort';
  await (await alloc.reserve(v2, v1, false)).commit();
  assert.equal((v2.spec as Record<string, unknown>).clusterIP, ip);
  const nodePort = (v2.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort;
  assert.deepEqual(await keys(storage, NODE_PORT_PREFIX), [String(nodePort)]);

  const same = structuredClone(v2);
  const r = await alloc.reserve(same, v2, false);
  await r.commit();
  assert.deepEqual(same, v2);

  const v3 = structuredClone(v2);
  const spec3 = v3.spec as Record<string, any>;
  spec3.type = 'ExternalName';
  spec3.externalName = 'example.com';
  delete spec3.clusterIP;
  delete spec3.clusterIPs;
  delete spec3.ports[0].nodePort;
  const r3 = await alloc.reserve(v3, v2, false);
  // Nothing is given back before the write is stored.
  assert.equal((await keys(storage, SERVICE_IP_PREFIX)).length, 1);
  await r3.commit();
  assert.deepEqual(await keys(storage, SERVICE_IP_PREFIX), []);
  assert.deepEqual(await keys(storage, NODE_PORT_PREFIX), []);
});

void test('a release never frees an address held by another service', async () => {
  const storage = new MemoryStorage();
  const alloc = allocator(storage);
  const a = service('a', { clusterIP: '127.11.1.9' });
  await (await alloc.reserve(a, undefined, false)).commit();
  // A stale copy of another service claiming the same IP (e.g. a leaked record repaired since).
  const impostor = service('b', { clusterIP: '127.11.1.9' }, 'uid-other');
  await (await alloc.reserve(undefined, impostor, false)).commit();
  assert.deepEqual(await keys(storage, SERVICE_IP_PREFIX), ['127.11.1.9']);
});

void test('concurrent allocations against one store hand out each address once', async () => {
  const storage = new MemoryStorage();
  // Two allocators = two apiservers; the same random start makes them chase the same members.
  const first = new ServiceAllocator({ storage, clusterIpRange: '127.11.1.0/26', nodePortRange: '30000-30100', random: () => 0 });
  const second = new ServiceAllocator({ storage, clusterIpRange: '127.11.1.0/26', nodePortRange: '30000-30100', random: () => 0 });
  const services = Array.from({ length: 40 }, (_, i) => service(`s${i}`, { type: 'NodePort' }));
  await Promise.all(services.map((svc, i) => (i % 2 === 0 ? first : second).reserve(svc, undefined, false)));
  const ips = services.map((s) => (s.spec as Record<string, unknown>).clusterIP);
  const ports = services.map((s) => (s.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort);
  assert.equal(new Set(ips).size, 40);
  assert.equal(new Set(ports).size, 40);
  assert.equal((await keys(storage, SERVICE_IP_PREFIX)).length, 40);
});

void test('ranges: prefixes longer than /30 and malformed port ranges are refused', () => {
  assert.throws(() => allocator(new MemoryStorage(), '127.11.1.0/31'), /too small/);
  assert.throws(() => allocator(new MemoryStorage(), 'nope'), /invalid CIDR/);
  assert.deepEqual(parsePortRange('30000-32767'), { first: 30000, last: 32767 });
  assert.throws(() => parsePortRange('5-1'), /invalid port range/);
  assert.throws(() => parsePortRange('0-70000'), /invalid port range/);
});

void test('an update keeps values taken under earlier ranges without checking them again', async () => {
  const storage = new MemoryStorage();
  const old = allocator(storage, '127.11.1.0/24', '30000-30010');
  const svc = service('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30005 }] });
  await (await old.reserve(svc, undefined, false)).commit();
  // The server restarts with other ranges: the stored service stays updatable.
  const now = allocator(storage, '127.11.2.0/24', '31000-31010');
  const next = structuredClone(svc);
  (next.metadata.labels as unknown) = { changed: 'yes' };
  await (await now.reserve(next, svc, false)).commit();
  assert.equal((next.spec as Record<string, unknown>).clusterIP, (svc.spec as Record<string, unknown>).clusterIP);
  // A new port on it gets a node port from the new range.
  const more = structuredClone(next);
  (more.spec as { ports: unknown[] }).ports.push({ name: 'b', port: 81, protocol: 'TCP' });
  (more.spec as { ports: { name?: string }[] }).ports[0]!.name = 'a';
  await (await now.reserve(more, next, false)).commit();
  const added = (more.spec as { ports: { nodePort: number }[] }).ports[1]!.nodePort;
  assert.ok(added >= 31000 && added <= 31010, String(added));
});
