import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheWith, filterAll, makeNode, makePod } from '../testing.ts';
import { ERR_REASON_NODE_NAME, newNodeName } from './node-name.ts';

test('NodeName fits only the node a pod names, and any node when it names none', () => {
  const cache = cacheWith([makeNode('a'), makeNode('b')]);
  assert.deepEqual(filterAll(newNodeName, cache, makePod('p', { spec: { nodeName: 'b' } })), { a: ERR_REASON_NODE_NAME, b: '' });
  assert.deepEqual(filterAll(newNodeName, cache, makePod('q')), { a: '', b: '' });
});
