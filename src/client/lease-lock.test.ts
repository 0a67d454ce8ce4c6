import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clientset } from './clientset.ts';
import { isAlreadyExists, isConflict } from './errors.ts';
import { leaseType } from '../api/coordination/v1/lease.ts';
import { leaseLock, microTime } from './lease-lock.ts';
import type { LeaderElectionRecord } from './lease-lock.ts';
import { FakeApi } from './testing/fake-api.ts';
import { startFakeServer } from './testing/fake-server.ts';

const record = (holder: string): LeaderElectionRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 2,
  acquireTime: '2025-01-01T00:00:00.000000Z',
  renewTime: '2025-01-01T00:00:01.000000Z',
  leaseTransitions: 0,
});

describe('leaseLock()', () => {
  it('microTime() prints microseconds', () => {
    assert.equal(microTime(new Date('2025-01-02T03:04:05.678Z')), '2025-01-02T03:04:05.678000Z');
  });

  it('reads, creates and compare-and-swaps a Lease, keeping its metadata', async () => {
    const api = new FakeApi([{ type: leaseType }]);
    const clientset = Clientset.fromOptions({ endpoints: [await api.start()] });
    const signal = new AbortController().signal;
    try {
      const lock = leaseLock(clientset, 'kube-system', 'sched');
      assert.equal(lock.description, 'kube-system/sched');
      assert.equal(await lock.get(signal), null);
      const rv1 = await lock.create(record('a'), signal);
      assert.ok(isAlreadyExists(await leaseLock(clientset, 'kube-system', 'sched').create(record('b'), signal).catch((e: unknown) => e)));

      const stored = structuredClone(api.get(leaseType, 'kube-system', 'sched'));
      assert.ok(stored !== undefined);
      api.put(leaseType, { ...stored, metadata: { ...stored.metadata, labels: { keep: 'me' } } });
      const got = await lock.get(signal);
      assert.ok(got !== null);
      assert.deepEqual(got.record, record('a'));
      assert.notEqual(got.resourceVersion, rv1);

      const rv3 = await lock.update({ ...record('a'), renewTime: '2025-01-01T00:00:02.000000Z' }, got.resourceVersion, signal);
      assert.equal(api.get(leaseType, 'kube-system', 'sched')?.metadata.labels?.keep, 'me', 'metadata is kept');
      assert.equal(api.get(leaseType, 'kube-system', 'sched')?.metadata.resourceVersion, rv3);
      assert.ok(isConflict(await lock.update(record('a'), got.resourceVersion, signal).catch((e: unknown) => e)), 'a stale version conflicts');
      await assert.rejects(lock.update(record('a'), '', signal), /no resourceVersion/);
    } finally {
      clientset.close();
      await api.close();
    }
  });

  it('moves past an apiserver that stopped answering within one request timeout', async () => {
    const hung = await startFakeServer(() => undefined);
    const api = new FakeApi([{ type: leaseType }]);
    const clientset = Clientset.fromOptions({ endpoints: [hung.url, await api.start()] });
    try {
      const lock = leaseLock(clientset, 'kube-system', 'sched', { requestTimeoutMs: 200 });
      const signal = new AbortController().signal;
      assert.equal(await lock.get(signal), null, 'the read is retried on the next endpoint after the timeout');
      assert.equal(clientset.rest.currentEndpoint, clientset.rest.endpoints[1]);
      await lock.create(record('a'), signal);
      assert.equal(api.get(leaseType, 'kube-system', 'sched')?.spec?.holderIdentity, 'a');
      assert.equal(hung.requests.length, 1, 'later calls go straight to the live endpoint');
    } finally {
      clientset.close();
      await api.close();
      await hung.close();
    }
  });
});
