/**
 * Fencing of leader election, end to end: two processes contend for one Lease (the fixture in
 * test/fixtures/leader-fixture.ts, on the real elector and client); while leading, each acts
 * (creates ConfigMaps stamped with its identity and term). The leader is frozen with SIGSTOP, the
 * standby takes over, the frozen one is resumed — twice, so each is frozen once. Then every
 * action is checked against the Lease's history (every version, from a watch): each happened
 * while its actor held the lease, in the term it stamped. A frozen leader that acted after
 * resuming, before noticing it had lost the lease, would break that.
 *
 * A leader is frozen right after one of its actions completes (so no request of it is in flight):
 * timing-based fencing cannot help a request that left before the freeze and lands after the
 * takeover, which is the margin between renewDeadline and leaseDuration in leader-election.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { configMapType } from '../../src/api/core/v1/configmap.ts';
import { leaseType } from '../../src/api/coordination/v1/lease.ts';
import type { KubeObject } from '../../src/api/meta/types.ts';
import { Clientset } from '../../src/client/index.ts';
import { startCliCluster, type CliCluster } from '../support/cli-cluster.ts';
import { clusterDirOf } from '../support/ha-cluster.ts';

const FIXTURE = resolve(import.meta.dirname, '..', 'fixtures', 'leader-fixture.ts');
const LEASE = 'fencing-test';

interface FixtureEvent {
  readonly event: string;
  readonly term?: number;
  readonly n?: number;
}

/** A fixture process and the events it printed. */
class Contender {
  readonly id: string;
  readonly child: ChildProcess;
  readonly events: FixtureEvent[] = [];
  readonly #waiters: Array<{ test: (e: FixtureEvent) => boolean; resolve: () => void }> = [];

  constructor(id: string, kubeconfig: string) {
    this.id = id;
    this.child = spawn(process.execPath, [FIXTURE, kubeconfig, id, LEASE], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as FixtureEvent;
      this.events.push(event);
      for (const w of [...this.#waiters]) {
        if (w.test(event)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  }

  /** Waits (bounded) for the next event matching `test`. */
  next(what: string, test: (e: FixtureEvent) => boolean, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.id}: no ${what} within ${timeoutMs} ms (events: ${JSON.stringify(this.events.slice(-5))})`)), timeoutMs);
      this.#waiters.push({ test, resolve: () => (clearTimeout(timer), resolvePromise()) });
    });
  }

  count(event: string): number {
    return this.events.filter((e) => e.event === event).length;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

describe('leader election fencing', () => {
  let cluster: CliCluster;
  let client: Clientset;
  const contenders: Contender[] = [];
  /** Every version of the Lease: resourceVersion, holder, transitions. */
  const leaseVersions: Array<{ rv: number; holder: string; term: number }> = [];
  const watching = new AbortController();

  before(async () => {
    cluster = await startCliCluster(`e2e-fencing-${process.pid}`);
    client = await Clientset.fromKubeconfig(join(clusterDirOf(cluster), 'kubeconfig'));
  });
  after(async () => {
    watching.abort();
    await Promise.all(contenders.map((c) => c.stop()));
    client?.close();
    await cluster?.stop();
  });

  /** Follows the Lease from the start, recording every version. */
  async function watchLease(): Promise<void> {
    const leases = client.resource(leaseType);
    const list = await leases.list({ namespace: 'default' });
    const stream = await leases.watch({ namespace: 'default', fieldSelector: `metadata.name=${LEASE}`, resourceVersion: list.metadata.resourceVersion, signal: watching.signal });
    void (async () => {
      try {
        for await (const ev of stream) {
          if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') continue;
          const spec = (ev.object.spec ?? {}) as { holderIdentity?: string; leaseTransitions?: number };
          leaseVersions.push({ rv: Number(ev.object.metadata.resourceVersion), holder: spec.holderIdentity ?? '', term: spec.leaseTransitions ?? 0 });
        }
      } catch {
        // the watch ends with the test
      }
    })();
  }

  /** Freezes `leader` right after an action, waits for `standby` to take over and act, resumes `leader`. */
  async function freezeAndResume(leader: Contender, standby: Contender, term: number): Promise<void> {
    await leader.next('action', (e) => e.event === 'acted');
    leader.child.kill('SIGSTOP');
    await standby.next(`leadership in term ${term}`, (e) => e.event === 'leading' && e.term === term);
    await standby.next('5 actions', (() => {
      let seen = 0;
      return (e: FixtureEvent) => e.event === 'acted' && ++seen >= 5;
    })());
    const stoppedBefore = leader.count('stopped-leading');
    leader.child.kill('SIGCONT');
    if (leader.count('stopped-leading') === stoppedBefore) await leader.next('the end of its leadership', (e) => e.event === 'stopped-leading');
    // Give the resumed one time to do anything it (wrongly) would.
    await new Promise((r) => setTimeout(r, 1_500));
  }

  it('a frozen leader never acts after its lease is lost: every action falls in its actor\'s term', async () => {
    await watchLease();
    const kubeconfig = join(clusterDirOf(cluster), 'kubeconfig');
    const a = new Contender('a', kubeconfig);
    contenders.push(a);
    await a.next('leadership', (e) => e.event === 'leading' && e.term === 0);
    await a.next('an action', (e) => e.event === 'acted');
    const b = new Contender('b', kubeconfig);
    contenders.push(b);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(b.count('leading'), 0, 'the standby waits while the leader renews');

    await freezeAndResume(a, b, 1);
    await freezeAndResume(b, a, 2);
    await Promise.all(contenders.map((c) => c.stop()));

    const acts = (await client.resource(configMapType).listAll({ namespace: 'default', labelSelector: `fixture=${LEASE}` })).items.map((o: KubeObject) => ({
      name: o.metadata.name ?? '',
      rv: Number(o.metadata.resourceVersion),
      holder: o.metadata.annotations?.holder ?? '',
      term: Number(o.metadata.annotations?.term),
    }));
    assert.ok(acts.length >= 20, `the contenders acted (${acts.length} actions)`);
    const versions = [...leaseVersions].sort((x, y) => x.rv - y.rv);
    assert.ok(versions.length > 0, 'the lease was watched');
    for (const act of acts) {
      const inEffect = versions.filter((v) => v.rv < act.rv).at(-1);
      assert.ok(inEffect !== undefined, `${act.name} (rv ${act.rv}) came after the lease was created`);
      assert.deepEqual(
        { holder: inEffect.holder, term: inEffect.term },
        { holder: act.holder, term: act.term },
        `${act.name} (rv ${act.rv}, by ${act.holder} in term ${act.term}) was done while the lease (rv ${inEffect.rv}) was held by ${JSON.stringify(inEffect.holder)} in term ${inEffect.term}`,
      );
    }
    const terms = (id: string): number[] => [...new Set(acts.filter((x) => x.holder === id).map((x) => x.term))].sort();
    assert.deepEqual(terms('a'), [0, 2]);
    assert.deepEqual(terms('b'), [1]);
  });
});
