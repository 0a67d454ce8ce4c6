import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersionPriority, versionStability } from './version-priority.ts';

describe('compareVersionPriority', () => {
  it('orders GA before beta before alpha, higher numbers first, other names last', () => {
    const versions = ['v1alpha1', 'foo', 'v1beta1', 'v1', 'v11alpha2', 'v2', 'v1beta2', 'bar', 'v10', 'v12alpha1'];
    assert.deepEqual([...versions].sort(compareVersionPriority), [
      'v10', 'v2', 'v1', 'v1beta2', 'v1beta1', 'v12alpha1', 'v11alpha2', 'v1alpha1', 'bar', 'foo',
    ]);
  });

  it('tells the stability of a version', () => {
    assert.equal(versionStability('v1'), 'ga');
    assert.equal(versionStability('v2beta3'), 'beta');
    assert.equal(versionStability('v1alpha1'), 'alpha');
    assert.equal(versionStability('version1'), undefined);
  });
});
