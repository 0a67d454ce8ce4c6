import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import { defaultHorizontalPodAutoscaler, horizontalPodAutoscalerTableRow, validateHorizontalPodAutoscaler } from './horizontal-pod-autoscaler.ts';

const NOW = new Date('2024-05-01T12:00:00Z');

function hpa(spec: Record<string, unknown>): KubeObject {
  const obj: KubeObject = { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, spec };
  defaultHorizontalPodAutoscaler(obj);
  return obj;
}

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

void test('defaults: one minimum replica, 80% CPU, and the scaling rules of a given behavior', () => {
  const obj = hpa({ scaleTargetRef: ref, maxReplicas: 4, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
  assert.equal(obj.spec.minReplicas, 1);
  assert.deepEqual(obj.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(obj.spec.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
  assert.deepEqual(validateHorizontalPodAutoscaler(obj), []);
  assert.equal(hpa({ scaleTargetRef: ref, maxReplicas: 4 }).spec.behavior, undefined);
});

void test('required fields and ranges, with upstream messages', () => {
  assert.deepEqual(validateHorizontalPodAutoscaler(hpa({ minReplicas: 3, maxReplicas: 2 })).map(formatFieldError), [
    'spec.scaleTargetRef.kind: Required value',
    'spec.scaleTargetRef.name: Required value',
    'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
  ]);
  assert.deepEqual(validateHorizontalPodAutoscaler(hpa({ scaleTargetRef: ref, minReplicas: 0 })).map(formatFieldError), [
    'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
  ]);
  const metrics = hpa({
    scaleTargetRef: ref,
    maxReplicas: 3,
    metrics: [{ type: 'Pods' }, { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }, { type: 'Weather' }],
  });
  assert.deepEqual(validateHorizontalPodAutoscaler(metrics).map(formatFieldError), [
    'spec.metrics[0].pods: Required value: must populate information for the given metric source',
    'spec.metrics[1].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    'spec.metrics[2].type: Unsupported value: "Weather": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
  ]);
});

void test('REFERENCE, TARGETS, MINPODS, MAXPODS and REPLICAS cells', () => {
  const obj = hpa({
    scaleTargetRef: ref,
    maxReplicas: 5,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
    ],
  });
  assert.deepEqual(horizontalPodAutoscalerTableRow(obj, NOW), ['Deployment/web', 'cpu: <unknown>/70%, memory: <unknown>/200Mi + 1 more...', '1', 5, 0, '60m']);
  obj.status = { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } }] };
  obj.spec.metrics = obj.spec.metrics.slice(0, 1);
  assert.deepEqual(horizontalPodAutoscalerTableRow(obj, NOW).slice(1, 5), ['cpu: 35%/70%', '1', 5, 2]);
});
