import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import type { Backend } from './backends.ts';
import { BackendPool } from './backend-pool.ts';
import type { CheckOutcome, CheckResult } from './readiness-check.ts';

/** A pool whose checks answer what `outcomes` says for each backend, checked as fast as the loop turns. */
function pool(outcomes: Map<string, CheckOutcome>, rise = 2, fall = 2): { pool: BackendPool; checks: () => number } {
  let checks = 0;
  const check = async (b: Backend): Promise<CheckResult> => {
    checks++;
    const outcome = outcomes.get(b.name) ?? 'unreachable';
    return { outcome, detail: outcome === 'ready' ? 'HTTP 200' : outcome === 'unready' ? 'HTTP 500' : 'ECONNREFUSED' };
  };
  return { pool: new BackendPool({ caPem: '', intervalMs: 1, rise, fall, check, drainGraceMs: 10 }), checks: () => checks };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

const backends: Backend[] = [
  { name: 'a', host: '127.0.0.1', port: 1 },
  { name: 'b', host: '127.0.0.1', port: 2 },
];

describe('BackendPool', () => {
  it('brings a new backend up on its first good check, and down after `fall` failures in a row', async () => {
    const outcomes = new Map<string, CheckOutcome>([['a', 'ready'], ['b', 'unready']]);
    const { pool: p } = pool(outcomes);
    try {
      p.setBackends(backends);
      await until('a up', () => p.status().find((s) => s.name === 'a')?.up === true);
      assert.equal(p.status().find((s) => s.name === 'b')?.up, false);
      assert.match(p.status().find((s) => s.name === 'b')?.reason ?? '', /^unready: HTTP 500$/);
      outcomes.set('a', 'unreachable');
      await until('a down', () => p.status().find((s) => s.name === 'a')?.up === false);
      assert.match(p.status().find((s) => s.name === 'a')?.reason ?? '', /^unreachable: ECONNREFUSED$/);
      outcomes.set('a', 'ready');
      await until('a up again', () => p.status().find((s) => s.name === 'a')?.up === true);
    } finally {
      p.stop();
    }
  });

  it('picks up backends only, spreading by fewest connections; with none up, an unready one, never an unreachable one', async () => {
    const outcomes = new Map<string, CheckOutcome>([['a', 'ready'], ['b', 'ready']]);
    const { pool: p } = pool(outcomes);
    try {
      p.setBackends(backends);
      await until('both up', () => p.status().every((s) => s.up));
      const socket = new Socket();
      p.track('a', socket);
      assert.equal(p.pick()?.name, 'b', 'b has fewer connections');
      assert.equal(p.pick(new Set(['b']))?.name, 'a');
      socket.destroy();
      await until('the connection is forgotten', () => p.status().find((s) => s.name === 'a')?.connections === 0);
      outcomes.set('a', 'unreachable');
      outcomes.set('b', 'unready');
      await until('both down', () => p.status().every((s) => !s.up));
      assert.equal(p.pick()?.name, 'b', 'an unready backend is a last resort');
      outcomes.set('b', 'unreachable');
      await until('b unreachable', () => p.status().find((s) => s.name === 'b')?.lastCheck?.outcome === 'unreachable');
      assert.equal(p.pick(), undefined);
    } finally {
      p.stop();
    }
  });

  it('takes a backend down at once when a connection to it fails, and closes its connections', async () => {
    const outcomes = new Map<string, CheckOutcome>([['a', 'ready'], ['b', 'ready']]);
    const { pool: p } = pool(outcomes, 1000, 1000);
    try {
      p.setBackends(backends);
      await until('both up', () => p.status().every((s) => s.up));
      const socket = new Socket();
      p.track('a', socket);
      p.connectFailed('a', 'ECONNREFUSED');
      assert.equal(p.status().find((s) => s.name === 'a')?.up, false);
      assert.equal(socket.destroyed, true);
      assert.equal(p.pick()?.name, 'b');
    } finally {
      p.stop();
    }
  });

  it('replacing the backends keeps the unchanged ones as they are and drops the others', async () => {
    const outcomes = new Map<string, CheckOutcome>([['a', 'ready'], ['b', 'ready'], ['c', 'ready']]);
    const { pool: p } = pool(outcomes);
    try {
      p.setBackends(backends);
      await until('both up', () => p.status().every((s) => s.up));
      const since = p.status().find((s) => s.name === 'a')?.since;
      const socket = new Socket();
      p.track('b', socket);
      p.setBackends([backends[0]!, { name: 'c', host: '127.0.0.1', port: 3 }]);
      assert.deepEqual(p.status().map((s) => s.name), ['a', 'c']);
      assert.equal(p.status().find((s) => s.name === 'a')?.since, since);
      assert.equal(socket.destroyed, true, "a removed backend's connections are closed");
    } finally {
      p.stop();
    }
  });
});
