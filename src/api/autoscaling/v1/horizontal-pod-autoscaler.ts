/**
 * HorizontalPodAutoscalers as autoscaling/v1 serves them (what `kubectl autoscale` writes):
 * one CPU utilization target. They are stored as autoscaling/v2, and converted both ways as
 * upstream does: the first CPU utilization metric is `targetCPUUtilizationPercentage`, and what
 * v1 cannot express (other metrics, behavior, current metrics, conditions) travels in
 * `autoscaling.alpha.kubernetes.io/*` annotations, so a v1 client's update keeps it.
 */
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { invalid, required } from '../../validation/field-errors.ts';
import { defaultHorizontalPodAutoscaler, horizontalPodAutoscalerType } from '../v2/horizontal-pod-autoscaler.ts';

export const horizontalPodAutoscalerV1Type: ResourceType = { ...horizontalPodAutoscalerType, version: 'v1' };

/** The annotations carrying the v2-only parts of an autoscaler through v1. */
export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
/** The annotations a v1 main-resource update may not change (they mirror the status). */
export const STATUS_ANNOTATIONS = [CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION];
const ALL_ANNOTATIONS = [METRICS_ANNOTATION, BEHAVIOR_ANNOTATION, ...STATUS_ANNOTATIONS];

const DEFAULT_CPU_UTILIZATION = 80;

function isCpuUtilization(m: JsonObject): boolean {
  return m.type === 'Resource' && isObject(m.resource) && m.resource.name === 'cpu' && isObject(m.resource.target) && m.resource.target.type === 'Utilization';
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The v1 view of a stored (v2) autoscaler. Does not modify `v2`. */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const spec: JsonObject = isObject(v2.spec) ? v2.spec : {};
  const status: JsonObject | undefined = isObject(v2.status) ? v2.status : undefined;
  const annotations: Record<string, string> = { ...v2.metadata.annotations };
  const metrics = objects(spec.metrics);
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu);
  if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
  if (isObject(spec.behavior)) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
  const v1Spec: JsonObject = {};
  if (spec.scaleTargetRef !== undefined) v1Spec.scaleTargetRef = spec.scaleTargetRef;
  if (spec.minReplicas !== undefined) v1Spec.minReplicas = spec.minReplicas;
  if (spec.maxReplicas !== undefined) v1Spec.maxReplicas = spec.maxReplicas;
  if (cpu !== undefined) v1Spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  let v1Status: JsonObject | undefined;
  if (status !== undefined) {
    v1Status = {};
    for (const f of ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']) if (status[f] !== undefined) v1Status[f] = status[f];
    const current = objects(status.currentMetrics);
    const currentCpu = current.find((m) => m.type === 'Resource' && isObject(m.resource) && m.resource.name === 'cpu');
    if (currentCpu !== undefined && isObject(currentCpu.resource.current) && typeof currentCpu.resource.current.averageUtilization === 'number') {
      v1Status.currentCPUUtilizationPercentage = currentCpu.resource.current.averageUtilization;
    }
    if (current.length > 0) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(current);
    if (objects(status.conditions).length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions);
  }
  const metadata = { ...v2.metadata };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  const out: KubeObject = { ...v2, apiVersion: 'autoscaling/v1', metadata, spec: v1Spec };
  if (v1Status === undefined) delete out.status;
  else out.status = v1Status;
  return out;
}

/** The stored (v2) form of a v1 autoscaler, defaulted as v2 objects are. Does not modify `v1`. */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const spec: JsonObject = isObject(v1.spec) ? v1.spec : {};
  const status: JsonObject | undefined = isObject(v1.status) ? v1.status : undefined;
  const annotations: Record<string, string> = { ...v1.metadata.annotations };
  const carried = Object.fromEntries(ALL_ANNOTATIONS.map((a) => [a, parseJson(annotations[a])]));
  for (const a of ALL_ANNOTATIONS) delete annotations[a];
  const metrics: JsonObject[] = [];
  if (typeof spec.targetCPUUtilizationPercentage === 'number') {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  metrics.push(...objects(carried[METRICS_ANNOTATION]));
  const v2Spec: JsonObject = {};
  if (spec.scaleTargetRef !== undefined) v2Spec.scaleTargetRef = spec.scaleTargetRef;
  if (spec.minReplicas !== undefined) v2Spec.minReplicas = spec.minReplicas;
  if (spec.maxReplicas !== undefined) v2Spec.maxReplicas = spec.maxReplicas;
  if (metrics.length > 0) v2Spec.metrics = metrics;
  if (isObject(carried[BEHAVIOR_ANNOTATION])) v2Spec.behavior = carried[BEHAVIOR_ANNOTATION];
  let v2Status: JsonObject | undefined;
  if (status !== undefined) {
    v2Status = {};
    for (const f of ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']) if (status[f] !== undefined) v2Status[f] = status[f];
    const current = objects(carried[CURRENT_METRICS_ANNOTATION]);
    if (current.length === 0 && typeof status.currentCPUUtilizationPercentage === 'number') {
      current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
    }
    if (current.length > 0) v2Status.currentMetrics = current;
    const conditions = objects(carried[CONDITIONS_ANNOTATION]);
    if (conditions.length > 0) v2Status.conditions = conditions;
  }
  const metadata = { ...v1.metadata };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  const out: KubeObject = { ...v1, apiVersion: 'autoscaling/v2', metadata, spec: v2Spec };
  if (v2Status === undefined) delete out.status;
  else out.status = v2Status;
  defaultHorizontalPodAutoscaler(out);
  return out;
}

/**
 * v1 defaults: minReplicas 1 and, unless other metrics ride along in the annotation, the 80%
 * CPU target the stored v2 object gets anyway (so a create answers what a read shows).
 */
export function defaultHorizontalPodAutoscalerV1(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  const hasOtherMetrics = obj.metadata.annotations?.[METRICS_ANNOTATION] !== undefined;
  if ((spec.targetCPUUtilizationPercentage === undefined || spec.targetCPUUtilizationPercentage === null) && !hasOtherMetrics) {
    spec.targetCPUUtilizationPercentage = DEFAULT_CPU_UTILIZATION;
  }
}

export function validateHorizontalPodAutoscalerV1(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs: FieldError[] = [];
  const ref = isObject(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
  if (str(ref.kind) === '') errs.push(required('spec.scaleTargetRef.kind'));
  if (str(ref.name) === '') errs.push(required('spec.scaleTargetRef.name'));
  const min: unknown = spec.minReplicas;
  const max: unknown = spec.maxReplicas;
  if (typeof min === 'number' && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (typeof max !== 'number' || max < 1) errs.push(invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  else if (typeof min === 'number' && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const target: unknown = spec.targetCPUUtilizationPercentage;
  if (typeof target === 'number' && target < 1) errs.push(invalid('spec.targetCPUUtilizationPercentage', target, 'must be greater than 0'));
  for (const a of ALL_ANNOTATIONS) {
    const text = obj.metadata.annotations?.[a];
    if (text !== undefined && parseJson(text) === undefined) errs.push(invalid(`metadata.annotations[${a}]`, text, 'must be JSON'));
  }
  return errs;
}
