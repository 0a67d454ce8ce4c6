import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../../storage/memory/memory-storage.ts';
import { parseIpv4 } from '../../../util/ipv4-range.ts';
import { ApiRegistry } from '../api-registry.ts';
import { namespaceStrategy } from '../resources/namespaces.ts';
import { serviceStrategy } from '../resources/services.ts';
import { repairServiceAllocations } from './allocation-repair.ts';
import { SERVICE_IP_PREFIX, ServiceAllocator } from './service-allocator.ts';

async function setup(): Promise<{ storage: MemoryStorage; allocator: ServiceAllocator; registry: ApiRegistry }> {
  const storage = new MemoryStorage();
  const allocator = new ServiceAllocator({ storage, clusterIpRange: '127.11.9.0/24', nodePortRange: '30000-30100' });
  const registry = new ApiRegistry(storage, () => undefined);
  await registry.add(namespaceStrategy);
  await registry.add(serviceStrategy(allocator));
  await registry.namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, { dryRun: false });
  return { storage, allocator, registry };
}

async function recordKeys(storage: MemoryStorage): Promise<string[]> {
  return (await storage.list(SERVICE_IP_PREFIX)).kvs.map((kv) => kv.key.slice(SERVICE_IP_PREFIX.length)).sort();
}

void test('repair removes old records no Service holds, keeps young ones and held ones, and records unrecorded values', async () => {
  const { storage, allocator, registry } = await setup();
  const services = registry.lookup('', 'v1', 'services')!.store;
  await services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kept' }, spec: { clusterIP: '127.11.9.10', ports: [{ port: 80 }] } }, { dryRun: false });
  // A leak: an allocation whose Service was never written (its apiserver died in between).
  await allocator.pools.ips.take(parseIpv4('127.11.9.20')!, { namespace: 'default', name: 'ghost', uid: 'uid-ghost' }, false);
  // A Service whose record was lost.
  await storage.delete(`${SERVICE_IP_PREFIX}127.11.9.10`);
  assert.deepEqual(await recordKeys(storage), ['127.11.9.20']);

  const young = await repairServiceAllocations({ allocator, services, minAgeMs: 60_000 });
  assert.deepEqual(young, { removed: [], recorded: ['127.11.9.10'] });
  assert.deepEqual(await recordKeys(storage), ['127.11.9.10', '127.11.9.20']);

  const later = await repairServiceAllocations({ allocator, services, minAgeMs: 60_000, now: () => new Date(Date.now() + 120_000) });
  assert.deepEqual(later, { removed: ['127.11.9.20'], recorded: [] });
  assert.deepEqual(await recordKeys(storage), ['127.11.9.10']);
  await registry.stop();
});
