import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEPLOYMENT, SERVICE, WIDGET } from './testing/types.ts';
import { nodeFor, UNTYPED, type ListNode, type ObjectNode, type TypeNode } from './type-node.ts';

function at(node: TypeNode, ...path: string[]): TypeNode {
  let n = node;
  for (const p of path) {
    if (p === '[]') n = (n as ListNode).items;
    else n = (n as ObjectNode).child(p);
  }
  return n;
}

void describe('type nodes from the OpenAPI schemas', () => {
  void it('keys lists by their list-map-keys, filling the schema defaults', () => {
    const ports = at(DEPLOYMENT, 'spec', 'template', 'spec', 'containers', '[]', 'ports') as ListNode;
    assert.equal(ports.relation, 'map');
    assert.deepEqual(ports.keys, ['containerPort', 'protocol']);
    assert.deepEqual(ports.keyDefaults, { protocol: 'TCP' });
    const servicePorts = at(SERVICE, 'spec', 'ports') as ListNode;
    assert.deepEqual(servicePorts.keys, ['port', 'protocol']);
    assert.equal((at(DEPLOYMENT, 'spec', 'template', 'spec', 'containers') as ListNode).keys[0], 'name');
  });

  void it('makes merged primitive lists sets and the rest atomic', () => {
    assert.equal((at(DEPLOYMENT, 'metadata', 'finalizers') as ListNode).relation, 'set');
    assert.equal((at(WIDGET, 'spec', 'tags') as ListNode).relation, 'set');
    assert.equal((at(WIDGET, 'spec', 'args') as ListNode).relation, 'atomic');
    assert.equal((at(WIDGET, 'spec', 'plain') as ListNode).relation, 'atomic');
    assert.equal((at(DEPLOYMENT, 'spec', 'template', 'spec', 'tolerations') as ListNode).relation, 'atomic');
  });

  void it('marks atomic objects and tells declared fields from map keys', () => {
    const selector = at(DEPLOYMENT, 'spec', 'selector') as ObjectNode;
    assert.equal(selector.kind, 'object');
    assert.equal(selector.atomic, true);
    const spec = at(DEPLOYMENT, 'spec') as ObjectNode;
    assert.equal(spec.isField('replicas'), true);
    const labels = at(DEPLOYMENT, 'metadata', 'labels') as ObjectNode;
    assert.equal(labels.atomic, false);
    assert.equal(labels.isField('app'), false);
    assert.equal(labels.child('app').kind, 'scalar');
  });

  void it('deduces open objects from their values', () => {
    const extra = at(WIDGET, 'spec', 'extra') as ObjectNode;
    assert.equal(extra.kind, 'object');
    assert.equal(extra.atomic, false);
    const inside = extra.child('anything');
    assert.equal(inside.kind, 'untyped');
    assert.equal(nodeFor(inside, { a: 1 }).kind, 'object');
    assert.equal(nodeFor(inside, [1]).kind, 'list');
    assert.equal((nodeFor(inside, [1]) as ListNode).relation, 'atomic');
    assert.equal(nodeFor(UNTYPED, 'x').kind, 'scalar');
    assert.equal(at(DEPLOYMENT, 'spec', 'template', 'spec', 'containers', '[]', 'ports', '[]', 'containerPort').kind, 'scalar');
    assert.equal(at(DEPLOYMENT, 'spec', 'strategy', 'rollingUpdate', 'maxSurge').kind, 'scalar', 'int-or-string is a scalar');
  });
});
