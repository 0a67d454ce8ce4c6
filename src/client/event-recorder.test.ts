import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clientset } from './clientset.ts';
import { COMBINED_PREFIX, MAX_SIMILAR } from './event-correlator.ts';
import { EventBroadcaster, PER_EVENT_BURST, PER_EVENT_INTERVAL_MS, type ObjectReference } from './event-recorder.ts';
import { FakeClock, sendJson, sendStatus, startFakeServer, waitFor, type FakeServer } from './testing/index.ts';

const pod = (name: string): ObjectReference => ({ kind: 'Pod', apiVersion: 'v1', name, namespace: 'ns', uid: `uid-${name}` });
const rs: ObjectReference = { kind: 'ReplicaSet', apiVersion: 'apps/v1', name: 'web-1', namespace: 'ns', uid: 'uid-rs' };

describe('EventBroadcaster', () => {
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
  const bodies = (): Record<string, any>[] => server.requests.map((r) => JSON.parse(r.body));

  it('writes a core/v1 Event about the object, in its namespace, naming the recorder\'s component', async () => {
    server.requests.length = 0;
    const broadcaster = new EventBroadcaster({ clientset });
    broadcaster.newRecorder('default-scheduler').event(pod('web'), 'Normal', 'Scheduled', 'Successfully assigned ns/web to node-1');
    broadcaster.newRecorder('kubelet', 'node-1').event(pod('web'), 'Normal', 'Started', 'Started container app');
    await broadcaster.flush();
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.url}`), ['POST /api/v1/namespaces/ns/events', 'POST /api/v1/namespaces/ns/events']);
    const [scheduled, started] = bodies() as [Record<string, any>, Record<string, any>];
    assert.match(scheduled.metadata.name, /^web\.[0-9a-f]+$/);
    assert.deepEqual(
      { involvedObject: scheduled.involvedObject, reason: scheduled.reason, message: scheduled.message, type: scheduled.type, source: scheduled.source, count: scheduled.count, reporting: scheduled.reportingComponent },
      { involvedObject: pod('web'), reason: 'Scheduled', message: 'Successfully assigned ns/web to node-1', type: 'Normal', source: { component: 'default-scheduler' }, count: 1, reporting: 'default-scheduler' },
    );
    assert.equal(scheduled.firstTimestamp, scheduled.lastTimestamp);
    assert.deepEqual([started.source, started.reportingInstance], [{ component: 'kubelet', host: 'node-1' }, 'node-1']);
  });

  it('puts a cluster-scoped object\'s Events in default', async () => {
    server.requests.length = 0;
    const broadcaster = new EventBroadcaster({ clientset });
    broadcaster.newRecorder('node-controller').event({ kind: 'Node', apiVersion: 'v1', name: 'n1', uid: 'u' }, 'Normal', 'RegisteredNode', 'Node n1 event: Registered Node n1 in Controller');
    await broadcaster.flush();
    assert.equal(server.requests[0]!.url, '/api/v1/namespaces/default/events');
  });

  it('aggregates an identical event into a count patch, and starts over when that Event is gone', async () => {
    server.requests.length = 0;
    const events = new EventBroadcaster({ clientset });
    const recorder = events.newRecorder('c');
    for (let i = 0; i < 3; i++) {
      recorder.event({ ...pod('db'), resourceVersion: String(i) }, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
      await events.flush();
    }
    assert.deepEqual(server.requests.map((r) => r.method), ['POST', 'PATCH', 'PATCH'], 'a new resourceVersion of the object is the same Event');
    assert.equal(bodies()[2]!.count, 3);
    missing = true;
    recorder.event(pod('db'), 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    await events.flush();
    missing = false;
    assert.deepEqual(server.requests.slice(3).map((r) => r.method), ['PATCH', 'POST']);
    assert.equal(bodies()[4]!.count, 1);
    // The same message from another component is another Event.
    events.newRecorder('other').event(pod('db'), 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.');
    await events.flush();
    assert.equal(server.requests.at(-1)!.method, 'POST');
  });

  it('coalesces repeats that arrive while the Event waits or is written into one count', async () => {
    server.requests.length = 0;
    const events = new EventBroadcaster({ clientset });
    const recorder = events.newRecorder('replicaset-controller');
    for (let i = 0; i < 50; i++) recorder.event(rs, 'Warning', 'FailedCreate', 'Error creating: pods "web-1-" is forbidden: exceeded quota: q');
    await events.flush();
    await waitFor(() => bodies().at(-1)?.count === 50, 'the count of all 50');
    assert.ok(server.requests.length <= 2, `one create and at most one patch, saw ${server.requests.map((r) => r.method).join(' ')}`);
    assert.equal(server.requests[0]!.method, 'POST');
  });

  it(`combines similar events with changing messages after ${MAX_SIMILAR} of them`, async () => {
    server.requests.length = 0;
    const events = new EventBroadcaster({ clientset });
    const recorder = events.newRecorder('replicaset-controller');
    for (let i = 1; i <= 15; i++) {
      recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: pods "web-1-${i}" is forbidden: exceeded quota: q`);
      await events.flush();
    }
    const sent = bodies();
    assert.deepEqual(server.requests.map((r) => r.method), [...Array(10).fill('POST'), ...Array(5).fill('PATCH')]);
    assert.equal(sent[8]!.message, 'Error creating: pods "web-1-9" is forbidden: exceeded quota: q');
    assert.equal(sent[9]!.message, `${COMBINED_PREFIX}Error creating: pods "web-1-10" is forbidden: exceeded quota: q`);
    assert.deepEqual({ count: sent[14]!.count, message: sent[14]!.message }, { count: 6, message: `${COMBINED_PREFIX}Error creating: pods "web-1-15" is forbidden: exceeded quota: q` });
  });

  it(`writes one Event ${PER_EVENT_BURST} times, then holds repeats for the interval and sends their count`, async () => {
    server.requests.length = 0;
    const clock = new FakeClock();
    const events = new EventBroadcaster({ clientset, clock });
    const recorder = events.newRecorder('job-controller');
    for (let i = 0; i < PER_EVENT_BURST + 5; i++) {
      recorder.event(rs, 'Warning', 'BackOff', 'Back-off restarting failed container');
      await events.flush();
    }
    assert.equal(server.requests.length, PER_EVENT_BURST);
    assert.equal(bodies().at(-1)!.count, PER_EVENT_BURST);
    await clock.advance(PER_EVENT_INTERVAL_MS - 1000);
    assert.equal(server.requests.length, PER_EVENT_BURST);
    await clock.advance(1000);
    await waitFor(() => server.requests.length === PER_EVENT_BURST + 1, 'the held repeats to be written');
    assert.equal(bodies().at(-1)!.count, PER_EVENT_BURST + 5);
    events.close();
    assert.equal(clock.pendingTimers(), 0);
  });

  it('writes at most qps per second after the burst, and drops events beyond maxPending', async () => {
    server.requests.length = 0;
    const clock = new FakeClock();
    const events = new EventBroadcaster({ clientset, qps: 2, burst: 3, maxPending: 4, clock });
    const recorder = events.newRecorder('c');
    for (let i = 0; i < 9; i++) recorder.event(pod(`p${i}`), 'Normal', 'Scheduled', 'ok');
    await waitFor(() => server.requests.length === 3, 'the burst to be written');
    assert.equal(events.dropped, 2);
    await clock.advance(499);
    assert.equal(server.requests.length, 3);
    await clock.advance(1);
    await waitFor(() => server.requests.length === 4, 'one more write after half a second');
    await clock.advance(1500);
    await events.flush();
    assert.equal(server.requests.length, 7);
  });

  it('still writes the repeat of a known Event when new ones are being dropped for room', async () => {
    server.requests.length = 0;
    const clock = new FakeClock();
    const events = new EventBroadcaster({ clientset, qps: 1, burst: 1, maxPending: 2, clock });
    const recorder = events.newRecorder('c');
    recorder.event(pod('r0'), 'Normal', 'Scheduled', 'ok');
    await waitFor(() => server.requests.length === 1, 'the first Event written');
    await events.flush();
    for (const name of ['r1', 'r2', 'r3']) recorder.event(pod(name), 'Normal', 'Scheduled', 'ok');
    assert.equal(events.dropped, 1, 'r3 found no room');
    recorder.event(pod('r0'), 'Normal', 'Scheduled', 'ok');
    await clock.advance(5_000);
    await events.flush();
    const patches = server.requests.filter((r) => r.method === 'PATCH').map((r) => JSON.parse(r.body).count);
    assert.deepEqual(patches, [2], "r0's repeat is counted");
    assert.equal(events.dropped, 1);
  });

  it('close() drops what waits and ignores later events', async () => {
    server.requests.length = 0;
    const clock = new FakeClock();
    const events = new EventBroadcaster({ clientset, qps: 1, burst: 1, clock });
    const recorder = events.newRecorder('c');
    for (let i = 0; i < 4; i++) recorder.event(pod(`q${i}`), 'Normal', 'Scheduled', 'ok');
    events.close();
    recorder.event(pod('late'), 'Normal', 'Scheduled', 'ok');
    await events.flush();
    await clock.advance(10_000);
    assert.equal(server.requests.length, 1);
    assert.equal(events.dropped, 3);
    assert.equal(clock.pendingTimers(), 0);
  });
});
