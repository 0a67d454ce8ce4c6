import { after, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { allocateAddressIndex, clusterAddress, defaultServiceClusterIpRange, findAddressIndex, isAddressFree, LAST_INDEX, loadBalancerAddress, nodeAddress, nodeHost, nodeName, nodePodCidr, parseNodeName, releaseAddressIndex, serviceClusterIpRange } from './address-plan.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-address-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshHome = (): string => join(root, `home-${++counter}`);

/** Makes a claim look old enough to be taken over if stale. */
function age(home: string, index: number): void {
  const old = new Date(Date.now() - 10 * 60_000);
  utimesSync(join(home, '.addresses', String(index)), old, old);
}

describe('nodePodCidr', () => {
  it('gives node n of cluster i the range 127.<20+i>.<n>.0/24, and refuses indexes past the octet', () => {
    assert.equal(nodePodCidr(1, 1), '127.21.1.0/24');
    assert.equal(nodePodCidr(7, 12), '127.27.12.0/24');
    assert.equal(nodePodCidr(235, 254), '127.255.254.0/24');
    assert.throws(() => nodePodCidr(236, 1), RangeError);
    assert.throws(() => nodePodCidr(1, 0), RangeError);
  });
});

describe('clusterAddress', () => {
  it('gives 127.10.<index>.<host>', () => {
    assert.equal(clusterAddress(1), '127.10.1.1');
    assert.equal(clusterAddress(254, 3), '127.10.254.3');
  });

  it('refuses indexes and hosts outside the plan', () => {
    for (const [index, host] of [
      [0, 1],
      [255, 1],
      [1.5, 1],
      [1, 0],
      [1, 255],
    ] as const) {
      assert.throws(() => clusterAddress(index, host), RangeError);
    }
  });
});

describe('node addresses', () => {
  it('number control planes from 1, etcd nodes from 51, workers from 101; the load balancer is .250', () => {
    assert.deepEqual(['cp-1', 'cp-3', 'etcd-1', 'etcd-49', 'worker-1', 'worker-149'].map(nodeHost), [1, 3, 51, 99, 101, 249]);
    assert.equal(nodeAddress(4, 'cp-2'), '127.10.4.2');
    assert.equal(nodeAddress(4, 'etcd-3'), '127.10.4.53');
    assert.equal(loadBalancerAddress(4), '127.10.4.250');
    assert.equal(serviceClusterIpRange(4), '127.11.4.0/24');
    assert.equal(nodeName('worker', 2), 'worker-2');
    assert.deepEqual(parseNodeName('etcd-2'), { role: 'etcd', ordinal: 2 });
  });

  it('refuse names outside the plan', () => {
    for (const bad of ['cp-0', 'cp-50', 'etcd-50', 'worker-150', 'lb', 'cp-01', 'node-1']) {
      assert.equal(parseNodeName(bad), undefined, bad);
      assert.throws(() => nodeHost(bad), RangeError, bad);
    }
    assert.throws(() => nodeName('control-plane', 50), RangeError);
  });
});

describe('allocateAddressIndex', () => {
  it('gives the lowest free index, and a cluster the index it already holds', async () => {
    const home = freshHome();
    assert.equal(await allocateAddressIndex(home, 'a'), 1);
    assert.equal(await allocateAddressIndex(home, 'b'), 2);
    assert.equal(await allocateAddressIndex(home, 'a'), 1);
    assert.equal(readFileSync(join(home, '.addresses', '2'), 'utf8'), 'b');
    assert.equal(await findAddressIndex(home, 'b'), 2);
    assert.equal(await findAddressIndex(home, 'c'), undefined);
  });

  it('reuses a released index', async () => {
    const home = freshHome();
    await allocateAddressIndex(home, 'a');
    await allocateAddressIndex(home, 'b');
    await releaseAddressIndex(home, 'a', 1);
    assert.equal(await allocateAddressIndex(home, 'c'), 1);
  });

  it('does not release a claim held by another cluster', async () => {
    const home = freshHome();
    await allocateAddressIndex(home, 'a');
    await releaseAddressIndex(home, 'b', 1);
    assert.equal(await findAddressIndex(home, 'a'), 1);
  });

  it('gives clusters created at the same moment distinct indexes', async () => {
    const home = freshHome();
    const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const indexes = await Promise.all(names.map((n) => allocateAddressIndex(home, n)));
    assert.equal(new Set(indexes).size, names.length);
    assert.deepEqual(
      [...indexes].sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('takes over an old claim whose cluster is gone, but not a fresh one', async () => {
    const home = freshHome();
    await allocateAddressIndex(home, 'gone');
    // Fresh: the cluster may be being created right now.
    assert.equal(await allocateAddressIndex(home, 'new'), 2);
    age(home, 1);
    assert.equal(await allocateAddressIndex(home, 'newer'), 1);
  });

  it('keeps an old claim whose cluster records that index', async () => {
    const home = freshHome();
    await allocateAddressIndex(home, 'live');
    mkdirSync(join(home, 'live'));
    writeFileSync(join(home, 'live', 'cluster.json'), JSON.stringify({ index: 1 }));
    age(home, 1);
    assert.equal(await allocateAddressIndex(home, 'other'), 2);
  });

  it('says what to do when every index is taken', async () => {
    const home = freshHome();
    mkdirSync(join(home, '.addresses'), { recursive: true });
    for (let i = 1; i <= LAST_INDEX; i++) writeFileSync(join(home, '.addresses', String(i)), `c${i}`);
    await assert.rejects(allocateAddressIndex(home, 'one-too-many'), /all 254 cluster address indexes .* are in use; delete a cluster/);
  });
});

describe('address usability', () => {
  it('skips indexes that are not usable, without keeping their claims', async () => {
    const home = freshHome();
    const index = await allocateAddressIndex(home, 'a', async (i) => i >= 3);
    assert.equal(index, 3);
    assert.equal(await allocateAddressIndex(home, 'b'), 1);
  });

  it('sees an address that something listens on as taken', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.equal(await isAddressFree('127.0.0.1', port), false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    assert.equal(await isAddressFree('127.0.0.1', 0), true);
  });
});

void test('service ClusterIP ranges follow the cluster index', () => {
  assert.equal(serviceClusterIpRange(7), '127.11.7.0/24');
  assert.throws(() => serviceClusterIpRange(0), RangeError);
  assert.equal(defaultServiceClusterIpRange('127.10.7.3'), '127.11.7.0/24');
  assert.equal(defaultServiceClusterIpRange('127.0.0.1'), '127.11.0.0/24');
  assert.equal(defaultServiceClusterIpRange('127.10.0.1'), '127.11.0.0/24');
});
