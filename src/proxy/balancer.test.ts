import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceBackend } from '../api/discovery/v1/service-backends.ts';
import { Balancer, backendKey } from './balancer.ts';

const a: ServiceBackend = { ip: '127.21.1.1', port: 8080, nodeName: 'n1' };
const b: ServiceBackend = { ip: '127.21.1.2', port: 8080, nodeName: 'n2' };
const c: ServiceBackend = { ip: '127.21.1.3', port: 8080, nodeName: 'n1' };

function fakeTime(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

void test('round robin spreads new connections over every backend', () => {
  const lb = new Balancer();
  lb.setBackends([a, b, c]);
  const picks = Array.from({ length: 6 }, () => lb.pick('127.0.0.1')!.ip);
  assert.deepEqual(picks, [a.ip, b.ip, c.ip, a.ip, b.ip, c.ip]);
});

void test('no backends, or all excluded or filtered out: nothing to pick', () => {
  const lb = new Balancer();
  assert.equal(lb.pick('127.0.0.1'), undefined);
  lb.setBackends([a, b]);
  assert.equal(lb.pick('127.0.0.1', { exclude: new Set([backendKey(a), backendKey(b)]) }), undefined);
  assert.equal(lb.pick('127.0.0.1', { filter: (x) => x.nodeName === 'n9' }), undefined);
  assert.equal(lb.pick('127.0.0.1', { filter: (x) => x.nodeName === 'n2' })!.ip, b.ip);
});

void test('ClientIP affinity pins each client until its timeout passes without a connection', () => {
  const time = fakeTime();
  const lb = new Balancer(time.now);
  lb.setBackends([a, b, c]);
  lb.setAffinity(10_000);
  const first = lb.pick('127.0.5.1')!;
  const other = lb.pick('127.0.5.2')!;
  assert.notEqual(first.ip, other.ip);
  for (let i = 0; i < 5; i++) {
    time.advance(9_000); // each connection renews the pin
    assert.equal(lb.pick('127.0.5.1')!.ip, first.ip);
  }
  time.advance(10_001);
  // Expired: the next pick is round robin again (it continues after `other`).
  const after = lb.pick('127.0.5.1')!;
  assert.equal(after.ip, c.ip);
});

void test('a pinned backend that goes away (or refuses) moves the client to another', () => {
  const lb = new Balancer(fakeTime().now);
  lb.setBackends([a, b]);
  lb.setAffinity(60_000);
  const pinned = lb.pick('127.0.5.1')!;
  assert.equal(pinned.ip, a.ip);
  assert.equal(lb.pick('127.0.5.1', { exclude: new Set([backendKey(a)]) })!.ip, b.ip);
  // The refusal re-pinned the client to b.
  assert.equal(lb.pick('127.0.5.1')!.ip, b.ip);
  lb.setBackends([a]);
  assert.equal(lb.pinnedClients, 0);
  assert.equal(lb.pick('127.0.5.1')!.ip, a.ip);
});

void test('turning affinity off forgets the pins', () => {
  const lb = new Balancer(fakeTime().now);
  lb.setBackends([a, b]);
  lb.setAffinity(60_000);
  lb.pick('127.0.5.1');
  assert.equal(lb.pinnedClients, 1);
  lb.setAffinity(undefined);
  assert.equal(lb.pinnedClients, 0);
  assert.deepEqual([lb.pick('127.0.5.1')!.ip, lb.pick('127.0.5.1')!.ip].sort(), [a.ip, b.ip]);
});
