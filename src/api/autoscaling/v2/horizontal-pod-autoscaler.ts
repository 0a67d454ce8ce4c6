/**
 * HorizontalPodAutoscalers (autoscaling/v2): the replica range of a scalable target and the
 * metrics to scale it by. k8ts stores and serves them; there is no metrics API and no
 * autoscaling controller, so their status stays as clients write it. Defaults as upstream:
 * minReplicas 1, a CPU utilization target of 80% when no metric is given, and the default
 * scale-up and scale-down rules filled into a given `behavior`.
 */
import { translateTimestampSince } from '../../meta/age.ts';
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import { AGE_COLUMN, column, type TableColumnSpec } from '../../meta/table.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import type { ResourceType } from '../../resource-type.ts';
import { child, index, invalid, notSupported, required } from '../../validation/field-errors.ts';

export const horizontalPodAutoscalerType: ResourceType = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  resource: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  listKind: 'HorizontalPodAutoscalerList',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
};

/** The metric an autoscaler without metrics scales by: average CPU utilization of 80%. */
const DEFAULT_CPU_UTILIZATION = 80;
const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const TARGET_TYPES = ['AverageValue', 'Utilization', 'Value'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
/** The source field of each metric type. */
const SOURCE_FIELD: Readonly<Record<string, string>> = {
  ContainerResource: 'containerResource',
  External: 'external',
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
};
const MAX_STABILIZATION_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;

interface RulesDefaults {
  readonly stabilizationWindowSeconds: number;
  readonly policies: readonly JsonObject[];
}
const SCALE_UP_DEFAULTS: RulesDefaults = {
  stabilizationWindowSeconds: 0,
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
const SCALE_DOWN_DEFAULTS: RulesDefaults = {
  stabilizationWindowSeconds: 300,
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

function defaultRules(behavior: JsonObject, field: 'scaleUp' | 'scaleDown', defaults: RulesDefaults): void {
  if (!isObject(behavior[field])) {
    behavior[field] = { stabilizationWindowSeconds: defaults.stabilizationWindowSeconds, selectPolicy: 'Max', policies: structuredClone(defaults.policies) };
    return;
  }
  const rules: JsonObject = behavior[field];
  if (rules.stabilizationWindowSeconds === undefined || rules.stabilizationWindowSeconds === null) rules.stabilizationWindowSeconds = defaults.stabilizationWindowSeconds;
  if (rules.selectPolicy === undefined || rules.selectPolicy === null || rules.selectPolicy === '') rules.selectPolicy = 'Max';
  if (!Array.isArray(rules.policies) || rules.policies.length === 0) rules.policies = structuredClone(defaults.policies);
}

export function defaultHorizontalPodAutoscaler(obj: KubeObject): void {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return;
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (isObject(spec.behavior)) {
    defaultRules(spec.behavior, 'scaleUp', SCALE_UP_DEFAULTS);
    defaultRules(spec.behavior, 'scaleDown', SCALE_DOWN_DEFAULTS);
  }
}

function validateTarget(target: unknown, path: string): FieldError[] {
  if (!isObject(target)) return [required(path)];
  const type: unknown = target.type;
  if (typeof type !== 'string' || !TARGET_TYPES.includes(type)) return [notSupported(child(path, 'type'), type ?? '', TARGET_TYPES)];
  const errs: FieldError[] = [];
  if (type === 'Utilization' && (typeof target.averageUtilization !== 'number' || target.averageUtilization <= 0)) {
    errs.push(typeof target.averageUtilization === 'number'
      ? invalid(child(path, 'averageUtilization'), target.averageUtilization, 'must be greater than 0')
      : required(child(path, 'averageUtilization'), 'must set either a target raw value or a target utilization'));
  }
  if (type === 'Value' && (target.value === undefined || target.value === null)) errs.push(required(child(path, 'value'), 'must set either a target value for metric or a per-pod target'));
  if (type === 'AverageValue' && (target.averageValue === undefined || target.averageValue === null)) {
    errs.push(required(child(path, 'averageValue'), 'must set either a target value for metric or a per-pod target'));
  }
  return errs;
}

function validateMetric(metric: JsonObject, path: string): FieldError[] {
  const type: unknown = metric.type;
  if (type === undefined || type === null || type === '') return [required(child(path, 'type'), 'must specify a metric source type')];
  if (typeof type !== 'string' || !METRIC_TYPES.includes(type)) return [notSupported(child(path, 'type'), type, METRIC_TYPES)];
  const field = SOURCE_FIELD[type]!;
  const errs: FieldError[] = [];
  for (const other of Object.values(SOURCE_FIELD)) {
    if (other !== field && metric[other] !== undefined && metric[other] !== null) errs.push(invalid(child(path, other), metric[other], 'must populate the given metric source only'));
  }
  const source: unknown = metric[field];
  const sourcePath = child(path, field);
  if (!isObject(source)) return [...errs, required(sourcePath, `must populate information for the given metric source`)];
  if (type === 'Resource' || type === 'ContainerResource') {
    if (str(source.name) === '') errs.push(required(child(sourcePath, 'name'), 'must specify a resource name'));
    if (type === 'ContainerResource' && str(source.container) === '') errs.push(required(child(sourcePath, 'container'), 'must specify a container'));
  } else {
    const metricId: unknown = source.metric;
    if (!isObject(metricId) || str(metricId.name) === '') errs.push(required(child(sourcePath, 'metric', 'name'), 'must specify a metric name'));
    if (type === 'Object') {
      const ref: unknown = source.describedObject;
      if (!isObject(ref) || str(ref.kind) === '') errs.push(required(child(sourcePath, 'describedObject', 'kind')));
      if (!isObject(ref) || str(ref.name) === '') errs.push(required(child(sourcePath, 'describedObject', 'name')));
    }
  }
  errs.push(...validateTarget(source.target, child(sourcePath, 'target')));
  return errs;
}

function validateRules(rules: unknown, path: string): FieldError[] {
  if (!isObject(rules)) return [];
  const errs: FieldError[] = [];
  const window: unknown = rules.stabilizationWindowSeconds;
  if (typeof window === 'number' && (window < 0 || window > MAX_STABILIZATION_SECONDS)) {
    errs.push(invalid(child(path, 'stabilizationWindowSeconds'), window, `must be less than or equal to ${MAX_STABILIZATION_SECONDS}`));
  }
  const select: unknown = rules.selectPolicy;
  if (typeof select === 'string' && !SELECT_POLICIES.includes(select)) errs.push(notSupported(child(path, 'selectPolicy'), select, SELECT_POLICIES));
  const policies = objects(rules.policies);
  if (Array.isArray(rules.policies) && policies.length === 0) errs.push(required(child(path, 'policies'), 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = index(child(path, 'policies'), i);
    if (typeof p.type !== 'string' || !POLICY_TYPES.includes(p.type)) errs.push(notSupported(child(pp, 'type'), p.type ?? '', POLICY_TYPES));
    if (typeof p.value !== 'number' || p.value <= 0) errs.push(invalid(child(pp, 'value'), p.value ?? 0, 'must be greater than zero'));
    if (typeof p.periodSeconds !== 'number' || p.periodSeconds <= 0) errs.push(invalid(child(pp, 'periodSeconds'), p.periodSeconds ?? 0, 'must be greater than zero'));
    else if (p.periodSeconds > MAX_PERIOD_SECONDS) errs.push(invalid(child(pp, 'periodSeconds'), p.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

export function validateHorizontalPodAutoscaler(obj: KubeObject): FieldError[] {
  const spec: unknown = obj.spec;
  if (!isObject(spec)) return [required('spec')];
  const errs: FieldError[] = [];
  const ref: unknown = spec.scaleTargetRef;
  const target = isObject(ref) ? ref : {};
  if (str(target.kind) === '') errs.push(required('spec.scaleTargetRef.kind'));
  else if (/[/%]/.test(target.kind)) errs.push(invalid('spec.scaleTargetRef.kind', target.kind, 'may not contain \'/\' or \'%\''));
  if (str(target.name) === '') errs.push(required('spec.scaleTargetRef.name'));
  else if (/[/%]/.test(target.name)) errs.push(invalid('spec.scaleTargetRef.name', target.name, 'may not contain \'/\' or \'%\''));
  const min: unknown = spec.minReplicas;
  const max: unknown = spec.maxReplicas;
  if (typeof min === 'number' && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (typeof max !== 'number' || max < 1) errs.push(invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  else if (typeof min === 'number' && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  objects(spec.metrics).forEach((m, i) => errs.push(...validateMetric(m, index('spec.metrics', i))));
  if (isObject(spec.behavior)) {
    errs.push(...validateRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp'), ...validateRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return errs;
}

export const horizontalPodAutoscalerTableColumns: readonly TableColumnSpec[] = [
  column('Reference', 'string', 'The reference to the autoscaled object.'),
  column('Targets', 'string', 'The current and target values of the metrics.'),
  column('MinPods', 'string', 'The lower limit for the number of pods that can be set by the autoscaler.'),
  column('MaxPods', 'integer', 'The upper limit for the number of pods that can be set by the autoscaler.'),
  column('Replicas', 'integer', 'Current number of replicas of pods managed by this autoscaler.'),
  AGE_COLUMN,
];

/** A quantity or number as text ('' for anything else). */
function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** A quantity as the status reports it, or `<unknown>`. */
function current(status: JsonObject | undefined, field: string): string {
  const value = text(isObject(status) && isObject(status.current) ? status.current[field] : undefined);
  if (value === '') return '<unknown>';
  return field === 'averageUtilization' ? `${value}%` : value;
}

/** `current/target` of one metric, in kubectl's wording. */
function metricCell(spec: JsonObject, status: JsonObject | undefined): string {
  const type = str(spec.type);
  const field = SOURCE_FIELD[type];
  const source: JsonObject = field !== undefined && isObject(spec[field]) ? spec[field] : {};
  const observed: JsonObject | undefined = field !== undefined && isObject(status) && isObject(status[field]) ? status[field] : undefined;
  const target: JsonObject = isObject(source.target) ? source.target : {};
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const name = str(source.name);
      if (target.averageValue !== undefined && target.averageValue !== null) return `${name}: ${current(observed, 'averageValue')}/${text(target.averageValue)}`;
      const wanted = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
      return `${name}: ${current(observed, 'averageUtilization')}/${wanted}`;
    }
    case 'Pods':
      return `${current(observed, 'averageValue')}/${text(target.averageValue)}`;
    case 'Object':
    case 'External':
      if (target.averageValue !== undefined && target.averageValue !== null) return `${current(observed, 'averageValue')}/${text(target.averageValue)} (avg)`;
      return `${current(observed, 'value')}/${text(target.value)}`;
    default:
      return '<unknown type>';
  }
}

/** The TARGETS cell: the first two metrics, then `+ N more...`; `<none>` without metrics. */
export function hpaTargetsCell(spec: JsonObject, status: JsonObject): string {
  const metrics = objects(spec.metrics);
  if (metrics.length === 0) return '<none>';
  const statuses = objects(status.currentMetrics);
  const cells = metrics.map((m, i) => metricCell(m, statuses[i]));
  return cells.length > 2 ? `${cells.slice(0, 2).join(', ')} + ${cells.length - 2} more...` : cells.join(', ');
}

export function horizontalPodAutoscalerTableRow(obj: KubeObject, now: Date): unknown[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const ref = isObject(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
  return [
    `${str(ref.kind)}/${str(ref.name)}`,
    hpaTargetsCell(spec, status),
    typeof spec.minReplicas === 'number' ? String(spec.minReplicas) : '<unset>',
    typeof spec.maxReplicas === 'number' ? spec.maxReplicas : 0,
    typeof status.currentReplicas === 'number' ? status.currentReplicas : 0,
    translateTimestampSince(obj.metadata.creationTimestamp, now),
  ];
}
