import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, filterAll, makeNode, makePod } from '../testing.ts';
import { ERR_REASON_PORTS, newNodePorts } from './node-ports.ts';

function portPod(name: string, port: number, extra: { hostIP?: string; protocol?: string; nodeName?: string } = {}) {
  return makePod(name, {
    ...(extra.nodeName === undefined ? {} : { nodeName: extra.nodeName }),
    spec: {
      containers: [{ name: 'c', image: 'i', ports: [{ containerPort: port, hostPort: port, protocol: extra.protocol ?? 'TCP', ...(extra.hostIP === undefined ? {} : { hostIP: extra.hostIP }) }] }],
    },
  });
}

test('NodePorts rejects nodes where the host port is taken', () => {
  const cache = cacheWith([makeNode('a'), makeNode('b')], [portPod('web', 8080, { nodeName: 'a' })]);
  assert.deepEqual(filterAll(newNodePorts, cache, portPod('p', 8080)), { a: ERR_REASON_PORTS, b: '' });
  assert.deepEqual(filterAll(newNodePorts, cache, portPod('udp', 8080, { protocol: 'UDP' })), { a: '', b: '' });
  assert.deepEqual(filterAll(newNodePorts, cache, portPod('other', 9090)), { a: '', b: '' });
});

test('NodePorts: distinct host IPs do not collide, but 0.0.0.0 collides with any', () => {
  const cache = cacheWith([makeNode('a')], [portPod('web', 80, { nodeName: 'a', hostIP: '127.0.0.1' })]);
  assert.equal(filterAll(newNodePorts, cache, portPod('p', 80, { hostIP: '127.0.0.2' })).a, '');
  assert.equal(filterAll(newNodePorts, cache, portPod('q', 80, { hostIP: '127.0.0.1' })).a, ERR_REASON_PORTS);
  assert.equal(filterAll(newNodePorts, cache, portPod('r', 80)).a, ERR_REASON_PORTS);
});

test('NodePorts skips pods without host ports', () => {
  const cache = cacheWith([makeNode('a')], [portPod('web', 80, { nodeName: 'a' })]);
  assert.equal(filterAll(newNodePorts, cache, makePod('plain')).a, '');
});
