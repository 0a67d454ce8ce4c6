/**
 * Protobuf bodies of the kinds `kubectl create ingress|priorityclass|quota` and `kubectl
 * autoscale` send, written field
 * by field from the Kubernetes API's field numbers (independently of the descriptor tables).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject } from './envelope.ts';
import { protobufBody, ProtoWriter } from './testing/proto-writer.ts';

function decode(apiVersion: string, kind: string, build: (w: ProtoWriter) => unknown): unknown {
  const w = new ProtoWriter();
  build(w);
  return decodeProtobufObject(protobufBody(apiVersion, kind, w.finish()));
}

/** ObjectMeta: 1 name, 3 namespace, 8 creationTimestamp (empty when zero). */
function meta(w: ProtoWriter, name: string, namespace = ''): void {
  w.message(1, (o) => o.string(1, name).string(2, '').string(3, namespace).message(8, () => {}));
}

void describe('protobuf bodies of kubectl create generators', () => {
  it('decodes an Ingress with a rule, a TLS entry and a default backend (kubectl create ingress)', () => {
    const obj = decode('networking.k8s.io/v1', 'Ingress', (w) => {
      meta(w, 'web', 'default');
      w.message(2, (spec) => {
        // IngressBackend: 4 service {1 name, 2 port {1 name, 2 number}}, 3 resource.
        spec.message(1, (b) => b.message(4, (s) => s.string(1, 'fallback').message(2, (p) => p.string(1, 'http').varint(2, 0))));
        spec.message(2, (tls) => tls.string(1, 'foo.com').string(2, 'foo-tls'));
        spec.message(3, (rule) => {
          rule.string(1, 'foo.com');
          // IngressRuleValue (inlined) 1 http {1 paths: HTTPIngressPath {1 path, 2 backend, 3 pathType}}.
          rule.message(2, (v) =>
            v.message(1, (http) =>
              http.message(1, (p) => p.string(1, '/bar').message(2, (b) => b.message(4, (s) => s.string(1, 'svc1').message(2, (port) => port.string(1, '').varint(2, 8080)))).string(3, 'Exact')),
            ),
          );
        });
        spec.string(4, 'nginx');
      });
      w.message(3, (status) => status.message(1, () => {}));
    });
    assert.deepEqual(obj, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        defaultBackend: { service: { name: 'fallback', port: { name: 'http' } } },
        tls: [{ hosts: ['foo.com'], secretName: 'foo-tls' }],
        rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', backend: { service: { name: 'svc1', port: { number: 8080 } } }, pathType: 'Exact' }] } }],
        ingressClassName: 'nginx',
      },
      status: { loadBalancer: {} },
    });
  });

  it('decodes a PriorityClass, dropping a false globalDefault and an empty description (kubectl create priorityclass)', () => {
    const obj = decode('scheduling.k8s.io/v1', 'PriorityClass', (w) => {
      meta(w, 'high');
      w.varint(2, 1000).varint(3, false).string(4, '').string(5, 'Never');
    });
    assert.deepEqual(obj, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' });
  });

  it('decodes a ResourceQuota with hard limits, scopes and a scope selector (kubectl create quota)', () => {
    const quantity = (w: ProtoWriter, field: number, name: string, value: string): void => {
      w.message(field, (e) => e.string(1, name).message(2, (q) => q.string(1, value)));
    };
    const obj = decode('v1', 'ResourceQuota', (w) => {
      meta(w, 'q', 'default');
      w.message(2, (spec) => {
        quantity(spec, 1, 'pods', '10');
        quantity(spec, 1, 'requests.cpu', '500m');
        spec.string(2, 'BestEffort');
        spec.message(3, (sel) => sel.message(1, (r) => r.string(1, 'PriorityClass').string(2, 'In').string(3, 'high')));
      });
      w.message(3, () => {});
    });
    assert.deepEqual(obj, {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q', namespace: 'default' },
      spec: {
        hard: { pods: '10', 'requests.cpu': '500m' },
        scopes: ['BestEffort'],
        scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] },
      },
      status: {},
    });
  });

  it('decodes an autoscaling/v1 HorizontalPodAutoscaler (kubectl autoscale)', () => {
    const obj = decode('autoscaling/v1', 'HorizontalPodAutoscaler', (w) => {
      meta(w, 'web', 'default');
      // Spec: 1 scaleTargetRef {1 kind, 2 name, 3 apiVersion}, 2 minReplicas, 3 maxReplicas, 4 targetCPUUtilizationPercentage.
      w.message(2, (spec) => spec.message(1, (r) => r.string(1, 'Deployment').string(2, 'web').string(3, 'apps/v1')).varint(3, 4).varint(4, 60));
      // Status: 3 currentReplicas, 4 desiredReplicas (zeros are dropped).
      w.message(3, (status) => status.varint(3, 0).varint(4, 0));
    });
    assert.deepEqual(obj, {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, maxReplicas: 4, targetCPUUtilizationPercentage: 60 },
      status: {},
    });
  });
});
