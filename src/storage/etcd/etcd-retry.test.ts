import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StorageClosedError } from '../errors.ts';
import { callWithRetry, type CallScope } from './etcd-retry.ts';

function scope(): CallScope & { hooks: Set<() => void>; close(): void } {
  const hooks = new Set<() => void>();
  let closed = false;
  return {
    hooks,
    isClosed: () => closed,
    onClose: (hook) => {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    close() {
      closed = true;
      for (const h of [...hooks]) h();
    },
  };
}

describe('callWithRetry', () => {
  it('keeps nothing of a finished call registered with the store (no growth over many calls)', async () => {
    const s = scope();
    for (let i = 0; i < 1000; i++) assert.equal(await callWithRetry(s, 'idempotent', 1000, async () => i), i);
    await assert.rejects(callWithRetry(s, 'idempotent', 1000, async () => Promise.reject(new Error('not transient'))), /not transient/);
    assert.equal(s.hooks.size, 0);
  });

  it('fails a call in flight with StorageClosedError when the store closes', async () => {
    const s = scope();
    const pending = callWithRetry(s, 'idempotent', 60_000, () => new Promise<never>(() => {}));
    s.close();
    await assert.rejects(pending, StorageClosedError);
  });
});
