import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clientset } from './clientset.ts';
import { EventRecorder, type ObjectReference } from './event-recorder.ts';
import { FakeClock, sendJson, sendStatus, startFakeServer, waitFor, type FakeServer } from './testing/index.ts';

const pod = (name: string): ObjectReference => ({ kind: 'Pod', apiVersion: 'v1', name, namespace: 'ns', uid: `uid-${name}` });

describe('EventRecorder', () => {
  let server: FakeServer;
  let clientset: Clientset;
  let missing = false;

  before(async () => {
    server = await startFakeServer((req, res) => {
      if (req.method === 'PATCH' && missing) return sendStatus(res, 404, 'NotFound', 'events "x" not found');
      sendJson(res, req.method === 'POST' ? 201 : 200, { kind: 'Event', apiVersion: 'v1', metadata: {} });
    });
    clientset = Clientset.fromOptions({ endpoints: [server.url] });
  });
  after(async () => {
    clientset.close();
    await server.close();
  });

  it('event() writes a core/v1 Event about the object, in its namespace', async () => {
    server.requests.length = 0;
    const recorder = new EventRecorder({ clientset, component: 'default-scheduler' });
    recorder.event(pod('web'), 'Normal', 'Scheduled', 'Successfully assigned ns/web to node-1');
    await recorder.flush();
    assert.equal(server.requests.length, 1);
    const req = server.requests[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/api/v1/namespaces/ns/events');
    const ev = JSON.parse(req.body);
    assert.match(ev.metadata.name, /^web\.[0-9a-f]+$/);
    assert.deepEqual(
      { involvedObject: ev.involvedObject, reason: ev.reason, message: ev.message, type: ev.type, source: ev.source, count: ev.count },
      { involvedObject: pod('web'), reason: 'Scheduled', message: 'Successfully assigned ns/web to node-1', type: 'Normal', source: { component: 'default-scheduler' }, count: 1 },
    );
    assert.equal(ev.firstTimestamp, ev.lastTimestamp);
  });

  it('aggregates an identical event into a count patch, and starts over when that Event is gone', async () => {
    server.requests.length = 0;
    const recorder = new EventRecorder({ clientset, component: 'c' });
    for (let i = 0; i < 3; i++) {
      recorder.event(pod('db'), 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
      await recorder.flush();
    }
    assert.deepEqual(server.requests.map((r) => r.method), ['POST', 'PATCH', 'PATCH']);
    assert.equal(JSON.parse(server.requests[2]!.body).count, 3);
    missing = true;
    recorder.event(pod('db'), 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    await recorder.flush();
    missing = false;
    assert.deepEqual(server.requests.slice(3).map((r) => r.method), ['PATCH', 'POST']);
    // A different message is a different event.
    recorder.event(pod('db'), 'Warning', 'FailedScheduling', 'something else');
    await recorder.flush();
    assert.equal(server.requests.at(-1)!.method, 'POST');
  });

  it('writes at most qps per second after the burst, and drops events beyond maxPending', async () => {
    server.requests.length = 0;
    const clock = new FakeClock();
    const recorder = new EventRecorder({ clientset, component: 'c', qps: 2, burst: 3, maxPending: 4, clock });
    for (let i = 0; i < 9; i++) recorder.event(pod(`p${i}`), 'Normal', 'Scheduled', 'ok');
    await waitFor(() => server.requests.length === 3, 'the burst to be written');
    assert.equal(recorder.dropped, 2);
    await clock.advance(499);
    assert.equal(server.requests.length, 3);
    await clock.advance(1);
    await waitFor(() => server.requests.length === 4, 'one more write after half a second');
    await clock.advance(1500);
    await recorder.flush();
    assert.equal(server.requests.length, 7);
  });

  it('close() drops what waits and ignores later events', async () => {
    server.requests.length = 0;
    const clock = new FakeClock();
    const recorder = new EventRecorder({ clientset, component: 'c', qps: 1, burst: 1, clock });
    for (let i = 0; i < 4; i++) recorder.event(pod(`q${i}`), 'Normal', 'Scheduled', 'ok');
    recorder.close();
    recorder.event(pod('late'), 'Normal', 'Scheduled', 'ok');
    await recorder.flush();
    await clock.advance(10_000);
    assert.equal(server.requests.length, 1);
    assert.equal(recorder.dropped, 3);
    assert.equal(clock.pendingTimers(), 0);
  });
});
