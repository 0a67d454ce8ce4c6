import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitPodCidr } from '../sim/sim-nodes.ts';
import { PodIpAllocator } from './ip-allocator.ts';

describe('PodIpAllocator', () => {
  it('skips the network, first and broadcast addresses and walks round the range', () => {
    const a = new PodIpAllocator('127.21.1.0/29');
    assert.equal(a.capacity, 5);
    assert.equal(a.gateway, '127.21.1.1');
    const got = [a.allocate(), a.allocate()];
    assert.deepEqual(got, ['127.21.1.2', '127.21.1.3']);
    a.release('127.21.1.2');
    assert.equal(a.allocate(), '127.21.1.4', 'a released address is not reused at once');
    assert.deepEqual([a.allocate(), a.allocate()], ['127.21.1.5', '127.21.1.6']);
    assert.equal(a.allocate(), '127.21.1.2');
    assert.throws(() => a.allocate(), /no free address left in pod CIDR 127\.21\.1\.0\/29/);
  });

  it('reserves recovered addresses inside the range only', () => {
    const a = new PodIpAllocator('127.21.1.0/24');
    assert.equal(a.reserve('127.21.1.2'), true);
    assert.equal(a.reserve('127.22.1.2'), false);
    assert.equal(a.allocate(), '127.21.1.3');
  });

  it('refuses malformed ranges', () => {
    assert.throws(() => new PodIpAllocator('127.21.1.0'), /not an IPv4 CIDR/);
    assert.throws(() => new PodIpAllocator('300.1.1.0/24'), /not an IPv4 address/);
  });
});

describe('splitPodCidr', () => {
  it('gives each simulated node an equal power-of-two block', () => {
    assert.deepEqual(splitPodCidr('127.40.0.0/16', 3), ['127.40.0.0/18', '127.40.64.0/18', '127.40.128.0/18']);
    assert.equal(splitPodCidr('127.64.0.0/12', 5000)[4999], '127.73.195.128/25');
    assert.deepEqual(splitPodCidr('127.21.1.0/24', 1), ['127.21.1.0/24']);
    assert.throws(() => splitPodCidr('127.21.1.0/24', 100), /too small for 100 simulated nodes .* at least a \/23/);
  });
});
