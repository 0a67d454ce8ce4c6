import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { finalizersForPropagation } from './generic-store.ts';

describe('finalizersForPropagation()', () => {
  it('adds the garbage collector finalizer the policy asks for and drops the other', () => {
    assert.deepEqual(finalizersForPropagation(['example.com/keep'], 'Foreground'), ['example.com/keep', 'foregroundDeletion']);
    assert.deepEqual(finalizersForPropagation(['foregroundDeletion'], 'Orphan'), ['orphan']);
    assert.deepEqual(finalizersForPropagation(['orphan', 'example.com/keep'], 'Background'), ['example.com/keep']);
  });

  it('leaves the finalizers alone when no policy is given', () => {
    assert.deepEqual(finalizersForPropagation(['orphan'], undefined), ['orphan']);
    assert.deepEqual(finalizersForPropagation([], undefined), []);
  });
});
