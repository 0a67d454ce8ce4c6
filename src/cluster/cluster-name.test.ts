import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterNameProblem, contextName } from './cluster-name.ts';

describe('clusterNameProblem', () => {
  it('accepts DNS-1123 labels', () => {
    for (const name of ['k8ts', 'a', '0', 'team-a', 'e2e-123', 'x'.repeat(63)]) assert.equal(clusterNameProblem(name), undefined, name);
  });

  it('rejects everything else, saying why', () => {
    assert.match(clusterNameProblem('') ?? '', /empty/);
    assert.match(clusterNameProblem('x'.repeat(64)) ?? '', /64 characters long \(at most 63\)/);
    for (const name of ['Dev', 'a_b', '-a', 'a-', 'a.b', '_server', '.hidden', 'a/b', '..', 'ä']) {
      assert.match(clusterNameProblem(name) ?? '', /lowercase letters, digits and '-'/, name);
    }
  });
});

describe('contextName', () => {
  it('prefixes k8ts-', () => {
    assert.equal(contextName('dev'), 'k8ts-dev');
  });
});
