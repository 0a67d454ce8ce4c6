import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FitError, fitErrorMessage, newDiagnosis, NO_NODES_AVAILABLE } from './fit-error.ts';
import { unresolvable, unschedulable } from './status.ts';

test('fitErrorMessage() counts each reason per node and sorts the counts as strings', () => {
  const d = newDiagnosis();
  d.nodeStatuses.set('a', unschedulable('Insufficient cpu', 'Insufficient memory'));
  d.nodeStatuses.set('b', unschedulable('Insufficient cpu'));
  d.nodeStatuses.set('c', unresolvable('node(s) had untolerated taint {gpu: true}'));
  assert.equal(fitErrorMessage(3, d), '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {gpu: true}, 2 Insufficient cpu.');
  d.postFilterMsg = 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
  assert.match(fitErrorMessage(3, d), /cpu\. preemption: 0\/3 nodes are available: 3 No preemption victims found for incoming pod\.$/);
});

test('fitErrorMessage() gives nodes PreFilter ruled out their own reason, and a PreFilter rejection alone', () => {
  const d = newDiagnosis();
  d.nodeStatuses.set('a', unschedulable('Insufficient cpu'));
  d.absentNodesStatus = unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
  assert.equal(fitErrorMessage(4, d), "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  const pre = newDiagnosis();
  pre.preFilterMsg = 'waiting';
  assert.equal(fitErrorMessage(2, pre), '0/2 nodes are available: waiting.');
});

test('FitError with no nodes says there are none', () => {
  assert.equal(new FitError(0, newDiagnosis()).message, NO_NODES_AVAILABLE);
});
