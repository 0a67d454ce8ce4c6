import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/meta/types.ts';
import { kubernetesServiceIp } from './bootstrap.ts';
import { apiServerLeaseName, endpointSubsets, liveApiServers } from './endpoint-reconciler.ts';

function lease(address: string, port: number, renewedMsAgo: number, duration = 5, now = 1_000_000): KubeObject {
  return {
    metadata: { name: apiServerLeaseName(address, port), annotations: { 'k8ts.io/advertise-address': address, 'k8ts.io/advertise-port': String(port) } },
    spec: { holderIdentity: 'x', leaseDurationSeconds: duration, renewTime: new Date(now - renewedMsAgo).toISOString() },
  };
}

describe('the endpoint reconciler', () => {
  it('counts an apiserver live until its lease duration has passed since its last renewal', () => {
    const now = 1_000_000;
    const servers = liveApiServers([lease('127.10.1.10', 6443, 0), lease('127.10.1.2', 6443, 4_999), lease('127.10.1.3', 6443, 5_000), { metadata: { name: 'no-annotations' }, spec: {} }], now);
    assert.deepEqual(servers, [{ address: '127.10.1.2', port: 6443 }, { address: '127.10.1.10', port: 6443 }], 'sorted by address numerically; the expired one and the malformed one left out');
  });

  it('writes one Endpoints subset per port', () => {
    assert.deepEqual(endpointSubsets([{ address: '127.0.0.2', port: 6443 }, { address: '127.0.0.1', port: 7443 }, { address: '127.0.0.3', port: 6443 }]), [
      { addresses: [{ ip: '127.0.0.2' }, { ip: '127.0.0.3' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
      { addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] },
    ]);
    assert.deepEqual(endpointSubsets([]), []);
  });

  it('names each apiserver lease after its address, stably', () => {
    assert.equal(apiServerLeaseName('127.10.1.1', 6443), apiServerLeaseName('127.10.1.1', 6443));
    assert.notEqual(apiServerLeaseName('127.10.1.1', 6443), apiServerLeaseName('127.10.1.2', 6443));
    assert.match(apiServerLeaseName('127.10.1.1', 6443), /^apiserver-[0-9a-f]{16}$/);
  });

  it('gives the kubernetes Service the first address of the range', () => {
    assert.equal(kubernetesServiceIp('127.11.4.0/24'), '127.11.4.1');
    assert.equal(kubernetesServiceIp('10.96.0.0/12'), '10.96.0.1');
    assert.equal(kubernetesServiceIp('10.96.5.7/16'), '10.96.0.1');
    for (const bad of ['10.96.0.0', '10.96.0.0/31', '300.1.1.0/24', 'fd00::/108']) assert.throws(() => kubernetesServiceIp(bad), /must be an IPv4 CIDR/, bad);
  });
});
