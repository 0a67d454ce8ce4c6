import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clientset } from '../../client/index.ts';
import type { Pod } from '../api-types.ts';
import { apiTokenSource } from './token-source.ts';

/** A clientset whose TokenRequests answer tokens numbered in order, valid for what was asked. */
function fakeClientset(now: () => number): { clientset: Clientset; requests: unknown[] } {
  const requests: unknown[] = [];
  const clientset = {
    resource: () => ({
      createSubresource: async (name: string, subresource: string, body: { spec: { expirationSeconds: number } }, opts: { namespace: string }) => {
        requests.push({ name, subresource, namespace: opts.namespace, spec: body.spec });
        return { status: { token: `t${requests.length}`, expirationTimestamp: new Date(now() + body.spec.expirationSeconds * 1000).toISOString() } };
      },
    }),
  } as unknown as Clientset;
  return { clientset, requests };
}

const pod: Pod = { metadata: { name: 'p', namespace: 'web', uid: 'u1' }, spec: { serviceAccountName: 'robot', containers: [] } };

describe('pod token source', () => {
  it('requests a token bound to the pod, and reuses it until 80 % of its lifetime has passed', async () => {
    let clock = 1_000_000;
    const { clientset, requests } = fakeClientset(() => clock);
    const tokens = apiTokenSource(clientset, () => clock);
    assert.equal(await tokens.token(pod, { expirationSeconds: 100 }), 't1');
    assert.deepEqual(requests[0], {
      name: 'robot',
      subresource: 'token',
      namespace: 'web',
      spec: { audiences: [], expirationSeconds: 100, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u1' } },
    });
    clock += 79_000;
    assert.equal(await tokens.token(pod, { expirationSeconds: 100 }), 't1');
    clock += 2_000;
    assert.equal(await tokens.token(pod, { expirationSeconds: 100 }), 't2', 'renewed past 80 %');
    assert.equal(await tokens.token(pod, { expirationSeconds: 100, audience: 'vault' }), 't3', 'another audience is another token');
    tokens.forget('u1');
    assert.equal(await tokens.token(pod, { expirationSeconds: 100 }), 't4', 'a forgotten pod starts afresh');
  });
});
