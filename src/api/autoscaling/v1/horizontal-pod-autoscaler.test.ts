import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../meta/types.ts';
import { formatFieldError } from '../../validation/field-errors.ts';
import {
  BEHAVIOR_ANNOTATION,
  defaultHorizontalPodAutoscalerV1,
  hpaV1ToV2,
  hpaV2ToV1,
  METRICS_ANNOTATION,
  validateHorizontalPodAutoscalerV1,
} from './horizontal-pod-autoscaler.ts';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const meta = { name: 'web', namespace: 'default' };

void test('a v1 autoscaler is stored as v2 with a CPU utilization metric, and read back unchanged', () => {
  const v1: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: ref, maxReplicas: 3 } };
  defaultHorizontalPodAutoscalerV1(v1);
  assert.deepEqual(v1.spec, { scaleTargetRef: ref, maxReplicas: 3, minReplicas: 1, targetCPUUtilizationPercentage: 80 });
  assert.deepEqual(validateHorizontalPodAutoscalerV1(v1), []);
  const v2 = hpaV1ToV2(v1);
  assert.equal(v2.apiVersion, 'autoscaling/v2');
  assert.deepEqual(v2.spec, {
    scaleTargetRef: ref,
    minReplicas: 1,
    maxReplicas: 3,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
  });
  assert.deepEqual(hpaV2ToV1(v2), v1);
});

void test('what v1 cannot express travels in annotations and comes back', () => {
  const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };
  const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
  const behavior = { scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } };
  const conditions = [{ type: 'AbleToScale', status: 'True' }];
  const current = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } }];
  const v2: KubeObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { ...meta, annotations: { team: 'a' } },
    spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, metrics: [memory, cpu], behavior },
    status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics: current, conditions },
  };
  const v1 = hpaV2ToV1(v2);
  assert.deepEqual(v1.spec, { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 50 });
  assert.deepEqual(v1.status, { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 35 });
  assert.deepEqual(JSON.parse(v1.metadata.annotations![METRICS_ANNOTATION]!), [memory]);
  assert.deepEqual(JSON.parse(v1.metadata.annotations![BEHAVIOR_ANNOTATION]!), behavior);
  const back = hpaV1ToV2(v1);
  assert.deepEqual(back.metadata.annotations, { team: 'a' });
  assert.deepEqual(back.spec.metrics, [cpu, memory]);
  assert.deepEqual(back.spec.behavior.scaleDown, behavior.scaleDown);
  assert.deepEqual(back.status, v2.status);
});

void test('v1 validation: required target and ranges', () => {
  const bad: KubeObject = { metadata: meta, spec: { minReplicas: 0, targetCPUUtilizationPercentage: 0 } };
  assert.deepEqual(validateHorizontalPodAutoscalerV1(bad).map(formatFieldError), [
    'spec.scaleTargetRef.kind: Required value',
    'spec.scaleTargetRef.name: Required value',
    'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    'spec.targetCPUUtilizationPercentage: Invalid value: 0: must be greater than 0',
  ]);
});
