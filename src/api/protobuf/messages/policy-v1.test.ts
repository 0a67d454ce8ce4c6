/**
 * policy/v1 protobuf bodies, built by hand with the field numbers of the Kubernetes API: what
 * `kubectl create pdb` and `kubectl drain`'s evictions send must decode to the JSON a JSON
 * client would have sent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject } from '../envelope.ts';
import { protobufBody, ProtoWriter } from '../testing/proto-writer.ts';

function decode(kind: string, build: (w: ProtoWriter) => unknown): unknown {
  const w = new ProtoWriter();
  build(w);
  return decodeProtobufObject(protobufBody('policy/v1', kind, w.finish()));
}

/** ObjectMeta: 1 name, 3 namespace, 7 generation, 8 creationTimestamp (a zero time is an empty message). */
function meta(w: ProtoWriter, name: string, namespace: string): void {
  w.message(1, (o) => o.string(1, name).string(2, '').string(3, namespace).varint(7, 0).message(8, () => {}));
}

describe('policy/v1 protobuf', () => {
  it('decodes a PodDisruptionBudget as kubectl create pdb writes it (zero status fields dropped)', () => {
    const obj = decode('PodDisruptionBudget', (w) => {
      meta(w, 'web', 'default');
      w.message(2, (spec) => {
        // minAvailable: IntOrString {1 type=0 (int), 2 intVal, 3 strVal}
        spec.message(1, (v) => v.varint(1, 0).varint(2, 2).string(3, ''));
        // selector: LabelSelector {1 matchLabels}
        spec.message(2, (s) => s.mapEntry(1, 'app', 'web'));
      });
      w.message(3, (st) => st.varint(1, 0).varint(3, 0).varint(4, 0).varint(5, 0).varint(6, 0));
    });
    assert.deepEqual(obj, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'default' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
      status: {},
    });
  });

  it('decodes maxUnavailable as a percentage, the eviction policy and a full status', () => {
    const obj = decode('PodDisruptionBudget', (w) => {
      meta(w, 'db', 'prod');
      w.message(2, (spec) => {
        spec.message(3, (v) => v.varint(1, 1).varint(2, 0).string(3, '25%'));
        spec.string(4, 'AlwaysAllow');
      });
      w.message(3, (st) => {
        st.varint(1, 4);
        // disruptedPods: map entry {1 key, 2 Time {1 seconds, 2 nanos}}
        st.message(2, (e) => e.string(1, 'db-0').message(2, (t) => t.varint(1, 1700000000)));
        st.varint(3, 1).varint(4, 3).varint(5, 2).varint(6, 3);
        st.message(7, (c) => c.string(1, 'DisruptionAllowed').string(2, 'True').varint(3, 4).message(4, (t) => t.varint(1, 1700000000)).string(5, 'SufficientPods').string(6, ''));
      });
    });
    assert.deepEqual(obj, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db', namespace: 'prod' },
      spec: { maxUnavailable: '25%', unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      status: {
        observedGeneration: 4,
        disruptedPods: { 'db-0': '2023-11-14T22:13:20Z' },
        disruptionsAllowed: 1,
        currentHealthy: 3,
        desiredHealthy: 2,
        expectedPods: 3,
        conditions: [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 4, lastTransitionTime: '2023-11-14T22:13:20Z', reason: 'SufficientPods' }],
      },
    });
  });

  it('decodes an Eviction with its DeleteOptions as kubectl drain writes it', () => {
    const obj = decode('Eviction', (w) => {
      meta(w, 'web-1', 'default');
      // DeleteOptions: 1 gracePeriodSeconds (pointer, kept at 0), 5 dryRun
      w.message(2, (d) => d.varint(1, 0).string(5, 'All'));
    });
    assert.deepEqual(obj, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-1', namespace: 'default' },
      deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'] },
    });
  });

  it('decodes an Eviction without DeleteOptions', () => {
    assert.deepEqual(
      decode('Eviction', (w) => meta(w, 'web-2', 'default')),
      { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-2', namespace: 'default' } },
    );
  });
});
