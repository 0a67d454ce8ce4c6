import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from './clock.ts';
import { abortReason } from './clock.ts';
import { ApiError } from './errors.ts';
import { LeaderElector } from './leader-election.ts';
import type { LeaderElectionRecord, LeaseLock } from './lease-lock.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { runningElectors } from '../util/leader-status.ts';

function conflict(reason: 'Conflict' | 'AlreadyExists'): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 409, reason, message: reason });
}

/** The apiserver's copy of the lease: compare-and-swap on an integer version. */
class LeaseServer {
  state: { record: LeaderElectionRecord; rv: number } | null = null;
  #rv = 0;

  get(): { record: LeaderElectionRecord; resourceVersion: string } | null {
    return this.state === null ? null : { record: { ...this.state.record }, resourceVersion: String(this.state.rv) };
  }

  create(record: LeaderElectionRecord): string {
    if (this.state !== null) throw conflict('AlreadyExists');
    this.state = { record: { ...record }, rv: ++this.#rv };
    return String(this.state.rv);
  }

  update(record: LeaderElectionRecord, rv: string): string {
    if (this.state === null || String(this.state.rv) !== rv) throw conflict('Conflict');
    this.state = { record: { ...record }, rv: ++this.#rv };
    return String(this.state.rv);
  }
}

/**
 * One contender's connection to the LeaseServer. Each call takes `latencyMs` (half each way;
 * the write commits in the middle). When `partitioned`, calls hang until their signal aborts,
 * as against an apiserver that stopped answering.
 */
class FakeLock implements LeaseLock {
  readonly description = 'kube-system/test';
  partitioned = false;
  /** Calls made, by kind. */
  readonly calls = { get: 0, create: 0, update: 0 };
  readonly #server: LeaseServer;
  readonly #clock: Clock;
  readonly #latencyMs: number;

  constructor(server: LeaseServer, clock: Clock, latencyMs: number) {
    this.#server = server;
    this.#clock = clock;
    this.#latencyMs = latencyMs;
  }

  async #round<T>(signal: AbortSignal, op: () => T): Promise<T> {
    await this.#clock.sleep(this.#latencyMs / 2, signal);
    if (this.partitioned) {
      await new Promise<never>((_resolve, reject) => {
        if (signal.aborted) reject(abortReason(signal));
        signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
      });
    }
    const result = op();
    await this.#clock.sleep(this.#latencyMs / 2, signal);
    return result;
  }

  get(signal: AbortSignal) {
    this.calls.get++;
    return this.#round(signal, () => this.#server.get());
  }

  create(record: LeaderElectionRecord, signal: AbortSignal) {
    this.calls.create++;
    return this.#round(signal, () => this.#server.create(record));
  }

  update(record: LeaderElectionRecord, rv: string, signal: AbortSignal) {
    this.calls.update++;
    return this.#round(signal, () => this.#server.update(record, rv));
  }
}

interface Contender {
  elector: LeaderElector;
  lock: FakeLock;
  ac: AbortController;
  done: Promise<void>;
  /** [start, stop) monotonic times of each leading period, from the callbacks. */
  periods: { start: number; stop: number | undefined; signal: AbortSignal }[];
  newLeaders: string[];
}

function contender(
  id: string,
  server: LeaseServer,
  clock: FakeClock,
  opts: { latencyMs?: number; releaseOnCancel?: boolean; work?: (signal: AbortSignal) => Promise<void> } = {},
): Contender {
  const lock = new FakeLock(server, clock, opts.latencyMs ?? 20);
  const periods: Contender['periods'] = [];
  const newLeaders: string[] = [];
  const elector = new LeaderElector({
    lock,
    identity: id,
    clock,
    releaseOnCancel: opts.releaseOnCancel ?? true,
    onStartedLeading: (signal) => {
      periods.push({ start: clock.now(), stop: undefined, signal });
      return opts.work?.(signal);
    },
    onStoppedLeading: () => {
      const p = periods.at(-1);
      if (p !== undefined) p.stop = clock.now();
    },
    onNewLeader: (who) => newLeaders.push(who),
  });
  const ac = new AbortController();
  return { elector, lock, ac, done: elector.run(ac.signal), periods, newLeaders };
}

/** Advances time in small steps, asserting at every step that at most one contender leads. */
async function runFor(clock: FakeClock, ms: number, contenders: Contender[], stepMs = 5): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await clock.advance(stepMs);
    const leaders = contenders.filter((c) => c.elector.isLeader());
    assert.ok(leaders.length <= 1, `two leaders at t=${clock.now()}`);
  }
}

async function stopAll(clock: FakeClock, contenders: Contender[]): Promise<void> {
  for (const c of contenders) c.ac.abort();
  for (let i = 0; i < 100; i++) await clock.advance(100);
  await Promise.all(contenders.map((c) => c.done));
}

describe('LeaderElector', () => {
  it('acquires a free lease at once, renews it every retry period, and reports metrics', async () => {
    const clock = new FakeClock();
    const server = new LeaseServer();
    const a = contender('a', server, clock);
    try {
      await runFor(clock, 100, [a]);
      assert.equal(a.elector.isLeader(), true);
      assert.equal(a.periods.length, 1);
      const first = server.state?.record;
      assert.equal(first?.holderIdentity, 'a');
      assert.equal(first?.leaseDurationSeconds, 2);
      assert.equal(first?.leaseTransitions, 0);
      assert.match(first?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      await runFor(clock, 2000, [a]);
      assert.equal(a.elector.isLeader(), true);
      assert.notEqual(server.state?.record.renewTime, first?.renewTime);
      assert.equal(server.state?.record.acquireTime, first?.acquireTime);
      assert.deepEqual(a.elector.metrics().transitions, 1);
      const sinceRenew = clock.wallNow().getTime() - (a.elector.metrics().lastRenewTime?.getTime() ?? 0);
      assert.ok(sinceRenew >= 0 && sinceRenew <= 500 + 20, `last renewal ${sinceRenew} ms ago, within one retry period`);
      assert.equal(a.elector.metrics().leader, 'a');
      assert.deepEqual(a.newLeaders, ['a']);
      assert.deepEqual(runningElectors().find((e) => e.name === a.lock.description)?.status.isLeader, true, 'reported for /metrics');
      const gets = a.lock.calls.get;
      const updates = a.lock.calls.update;
      await runFor(clock, 2000, [a]);
      assert.equal(a.lock.calls.get, gets, 'a leader renews without reading the lease first');
      assert.ok(a.lock.calls.update >= updates + 3, 'one write per renewal');
    } finally {
      await stopAll(clock, [a]);
    }
  });

  it('a leader that cannot renew stops acting before its lease can expire, and a standby takes over', async () => {
    const clock = new FakeClock();
    const server = new LeaseServer();
    const a = contender('a', server, clock);
    await runFor(clock, 100, [a]);
    const b = contender('b', server, clock);
    try {
      await runFor(clock, 3000, [a, b]);
      assert.equal(a.elector.isLeader(), true);
      assert.equal(b.periods.length, 0);
      assert.equal(a.elector.metrics().term, 0);
      assert.equal(b.elector.metrics().term, undefined, 'a standby has no term');

      const partitionedAt = clock.now();
      a.lock.partitioned = true;
      await runFor(clock, 5000, [a, b]);

      const aPeriod = a.periods[0];
      const bPeriod = b.periods[0];
      assert.ok(aPeriod?.stop !== undefined && bPeriod !== undefined);
      assert.equal(aPeriod.signal.aborted, true, 'the leading signal was aborted');
      assert.ok(aPeriod.stop - partitionedAt <= 1500, `old leader stopped ${aPeriod.stop - partitionedAt} ms after the partition`);
      assert.ok(bPeriod.start > aPeriod.stop, 'the standby started after the old leader stopped');
      assert.ok(bPeriod.start - partitionedAt <= 3000 + 100, `takeover took ${bPeriod.start - partitionedAt} ms`);
      assert.equal(server.state?.record.holderIdentity, 'b');
      assert.equal(server.state?.record.leaseTransitions, 1);
      assert.equal(b.elector.metrics().term, 1, 'the new leader leads in the next term');
      assert.equal(a.elector.metrics().term, undefined);
      assert.deepEqual(b.newLeaders, ['a', 'b']);
    } finally {
      await stopAll(clock, [a, b]);
    }
  });

  it('after a leader dies without releasing, a standby takes over within leaseDuration + 2 retry periods', async () => {
    const clock = new FakeClock();
    const server = new LeaseServer();
    const a = contender('a', server, clock, { releaseOnCancel: false });
    await runFor(clock, 100, [a]);
    const b = contender('b', server, clock);
    try {
      await runFor(clock, 1234, [a, b]);
      const killedAt = clock.now();
      a.lock.partitioned = true; // kill -9: no more requests, no release
      a.ac.abort();
      await runFor(clock, 4000, [a, b]);
      const bPeriod = b.periods[0];
      assert.ok(bPeriod !== undefined);
      assert.ok(bPeriod.start - killedAt <= 3000 + 100, `takeover took ${bPeriod.start - killedAt} ms`);
    } finally {
      await stopAll(clock, [a, b]);
    }
  });

  it('a clean shutdown releases the lease even when the renewal it cut off was applied without an answer', async () => {
    const clock = new FakeClock();
    const server = new LeaseServer();
    const a = contender('a', server, clock, { latencyMs: 200 });
    try {
      // Leads after a read and a create (400 ms); renews at 900, applied at 1000, answered at 1100.
      await runFor(clock, 950, [a]);
      const before = server.state?.rv;
      await runFor(clock, 100, [a]);
      assert.ok((server.state?.rv ?? 0) > (before ?? 0), 'a renewal was applied, its answer still on the way');
      a.ac.abort();
      await runFor(clock, 2000, [a]);
      await a.done;
      assert.equal(server.state?.record.holderIdentity, '', 'released on the version read back');
    } finally {
      await stopAll(clock, [a]);
    }
  });

  it('a clean shutdown releases the lease after the leading work ends, and the standby takes it at its next poll', async () => {
    const clock = new FakeClock();
    const server = new LeaseServer();
    let workEnded = -1;
    const a = contender('a', server, clock, {
      work: async (signal) => {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        await clock.sleep(50); // finishing the action under way
        workEnded = clock.now();
      },
    });
    await runFor(clock, 100, [a]);
    const b = contender('b', server, clock);
    try {
      await runFor(clock, 1000, [a, b]);
      const shutdownAt = clock.now();
      a.ac.abort();
      await runFor(clock, 1000, [a, b]);
      await a.done;
      const bPeriod = b.periods[0];
      assert.ok(bPeriod !== undefined);
      assert.ok(workEnded >= shutdownAt && workEnded <= bPeriod.start, 'released only after the work ended');
      assert.ok(bPeriod.start - shutdownAt <= 50 + 20 + 500 + 40, `takeover took ${bPeriod.start - shutdownAt} ms`);
      assert.equal(server.state?.record.holderIdentity, 'b');
    } finally {
      await stopAll(clock, [a, b]);
    }
  });

  it('a leader whose lease was written by someone else (a new version, same holder) reads it and keeps leading', async () => {
    const clock = new FakeClock();
    const server = new LeaseServer();
    const a = contender('a', server, clock);
    try {
      await runFor(clock, 100, [a]);
      const current = server.get();
      assert.ok(current !== null);
      server.update(current.record, current.resourceVersion); // e.g. a label edited with kubectl
      const gets = a.lock.calls.get;
      await runFor(clock, 1000, [a]);
      assert.equal(a.elector.isLeader(), true);
      assert.equal(a.periods.length, 1, 'leadership never ended');
      assert.ok(a.lock.calls.get > gets, 'the conflict sent it back to reading the lease');
    } finally {
      await stopAll(clock, [a]);
    }
  });

  it('of contenders racing for a free lease exactly one leads, and leadership does not flap', async () => {
    const clock = new FakeClock();
    const server = new LeaseServer();
    const all = ['a', 'b', 'c'].map((id) => contender(id, server, clock));
    try {
      await runFor(clock, 5000, all);
      const leaders = all.filter((c) => c.periods.length > 0);
      assert.equal(leaders.length, 1);
      assert.equal(leaders[0]?.periods.length, 1);
      assert.equal(leaders[0]?.elector.isLeader(), true);
    } finally {
      await stopAll(clock, all);
    }
  });

  it('a leader cut off from the lease goes back to contending and leads again once the partition heals', async () => {
    const clock = new FakeClock();
    const server = new LeaseServer();
    const a = contender('a', server, clock);
    try {
      await runFor(clock, 100, [a]);
      a.lock.partitioned = true;
      await runFor(clock, 2000, [a]);
      assert.equal(a.elector.isLeader(), false);
      a.lock.partitioned = false;
      // A request stuck in the partition is abandoned at its timeout (renewDeadline), then retried.
      await runFor(clock, 1500 + 500 + 100, [a]);
      assert.equal(a.elector.isLeader(), true);
      assert.equal(a.periods.length, 2);
      assert.equal(a.elector.metrics().transitions, 2);
      assert.equal(server.state?.record.leaseTransitions, 0, 'the holder never changed');
    } finally {
      await stopAll(clock, [a]);
    }
  });

  it('rejects settings that would break fencing', () => {
    const lock = new FakeLock(new LeaseServer(), new FakeClock(), 0);
    const base = { lock, identity: 'x', onStartedLeading: () => undefined };
    assert.throws(() => new LeaderElector({ ...base, leaseDurationSeconds: 2, renewDeadlineMs: 2000 }), /renewDeadlineMs/);
    assert.throws(() => new LeaderElector({ ...base, leaseDurationSeconds: 2.5 }), /positive integer/);
    assert.throws(() => new LeaderElector({ ...base, retryPeriodMs: 1500 }), /retryPeriodMs/);
  });
});
