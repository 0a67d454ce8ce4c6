import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flushMicrotasks } from '../../client/testing/index.ts';
import { decodeHealthStatus, encodeHealthRequest } from './grpc-health.ts';
import { resolvePort } from './probe-handlers.ts';
import { Prober, probeTimings, type ProbeResult } from './prober.ts';

function scripted(results: boolean[]): { attempt: (ms: number) => Promise<ProbeResult>; timeouts: number[] } {
  const timeouts: number[] = [];
  let i = 0;
  return {
    timeouts,
    attempt: async (ms) => {
      timeouts.push(ms);
      return { ok: results[Math.min(i++, results.length - 1)]!, message: 'm' };
    },
  };
}

describe('Prober', () => {
  it('waits initialDelaySeconds, probes every periodSeconds with timeoutSeconds, and needs failureThreshold failures in a row', async () => {
    const clock = new FakeClock();
    const verdicts: boolean[] = [];
    const s = scripted([true, false, true, false, false, false]);
    const p = new Prober({ kind: 'liveness', probe: { initialDelaySeconds: 3, periodSeconds: 2, timeoutSeconds: 4, failureThreshold: 2 }, attempt: s.attempt, clock, onVerdict: (ok) => verdicts.push(ok) });
    p.start();
    await clock.advance(2_999);
    assert.equal(s.timeouts.length, 0);
    await clock.advance(1);
    assert.deepEqual(s.timeouts, [4_000]);
    assert.deepEqual(verdicts, [true]);
    await clock.advance(2_000); // false: 1 failure
    await clock.advance(2_000); // true: reset
    await clock.advance(2_000); // false
    assert.deepEqual(verdicts, [true]);
    await clock.advance(2_000); // false: 2 in a row
    assert.deepEqual(verdicts, [true, false]);
    await clock.advance(2_000); // still false: no new verdict
    assert.deepEqual(verdicts, [true, false]);
    await p.stop();
    await clock.advance(10_000);
    assert.equal(s.timeouts.length, 6);
    await flushMicrotasks();
  });

  it('needs successThreshold successes in a row before a readiness verdict of true', async () => {
    const clock = new FakeClock();
    const verdicts: boolean[] = [];
    const s = scripted([true, false, true, true]);
    const p = new Prober({ kind: 'readiness', probe: { periodSeconds: 1, successThreshold: 2, failureThreshold: 1 }, attempt: s.attempt, clock, onVerdict: (ok) => verdicts.push(ok) });
    p.start();
    await clock.advance(0);
    await clock.advance(1_000);
    assert.deepEqual(verdicts, [false]);
    await clock.advance(1_000);
    await clock.advance(1_000);
    assert.deepEqual(verdicts, [false, true]);
    await p.stop();
  });

  it('defaults timings like upstream', () => {
    assert.deepEqual(probeTimings({}), { initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1_000, successThreshold: 1, failureThreshold: 3 });
  });
});

describe('probe handlers', () => {
  it('resolves named ports from the container', () => {
    const c = { name: 'c', ports: [{ name: 'http', containerPort: 8080 }] };
    assert.equal(resolvePort('http', c), 8080);
    assert.equal(resolvePort(81, c), 81);
    assert.equal(resolvePort('82', c), 82);
    assert.equal(resolvePort('nope', c), undefined);
  });

  it('encodes the gRPC health request and decodes the status', () => {
    assert.deepEqual([...encodeHealthRequest('')], []);
    assert.deepEqual([...encodeHealthRequest('db')], [0x0a, 2, 0x64, 0x62]);
    assert.equal(decodeHealthStatus(Buffer.from([0x08, 0x01])), 1);
    assert.equal(decodeHealthStatus(Buffer.alloc(0)), 0);
  });
});
