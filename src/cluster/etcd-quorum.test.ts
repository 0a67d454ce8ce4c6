import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quorumOf, summarizeQuorum } from './etcd-quorum.ts';

void test('summarizeQuorum() counts how many more members a cluster can lose', () => {
  assert.equal(summarizeQuorum(3, 3).text, 'quorum 3/3 (can lose 1)');
  assert.equal(summarizeQuorum(5, 4).text, 'quorum 4/5 (can lose 1)');
  assert.equal(summarizeQuorum(3, 1).text, 'quorum lost: 1/3 healthy, 2 needed');
  assert.equal(summarizeQuorum(1, 1).canLose, 0);
});

void test('quorumOf() is a strict majority', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 7].map(quorumOf), [1, 2, 2, 3, 3, 4]);
});
