/**
 * What the workload kinds (deployments, replica sets, stateful sets, daemon sets, jobs) share:
 * a required label selector that must select the pod template's labels, int-or-percent fields
 * of rolling updates, and the CONTAINERS / IMAGES / SELECTOR cells of their tables.
 */
import { defaultPodTemplate } from '../../core/v1/pod-spec-defaults.ts';
import { validatePodTemplate } from '../../core/v1/pod-spec-validation.ts';
import { labelSelectorToSelector, selectorToString } from '../../labels/label-selector.ts';
import { SelectorParseError } from '../../labels/parse.ts';
import { labelsMatch } from '../../labels/requirement.ts';
import { isObject, objects, str, type JsonObject } from '../../meta/shape.ts';
import type { FieldError, KubeObject } from '../../meta/types.ts';
import { forbidden, invalid, nonNegative, notSupported, required } from '../../validation/field-errors.ts';
import { validateLabelSelector } from '../../validation/label-selector.ts';
import { regexError } from '../../validation/names.ts';

/** The pod template's labels (undefined when it has none). */
export function templateLabels(spec: JsonObject): Record<string, string> | undefined {
  const template = isObject(spec.template) ? spec.template : {};
  const meta = isObject(template.metadata) ? template.metadata : {};
  return isObject(meta.labels) ? meta.labels : undefined;
}

/** Defaults the pod template of a workload's spec. */
export function defaultWorkloadTemplate(obj: KubeObject): void {
  if (isObject(obj.spec)) defaultPodTemplate(obj.spec.template);
}

/**
 * `spec.selector` is required and well formed, and selects the template's labels. When `kind`
 * is given (`deployment`, `statefulset`, ...) an empty selector is refused with that name.
 */
export function validateWorkloadSelector(spec: JsonObject, kind: string | null): FieldError[] {
  const errs: FieldError[] = [];
  const selector: unknown = spec.selector;
  if (selector === undefined || selector === null) {
    errs.push(required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(selector, 'spec.selector'));
    if (kind !== null && isObject(selector) && Object.keys(selector.matchLabels ?? {}).length + objects(selector.matchExpressions).length === 0) {
      errs.push(invalid('spec.selector', selector, `empty selector is invalid for ${kind}`));
    }
  }
  let compiled;
  try {
    compiled = labelSelectorToSelector(isObject(selector) ? selector : null);
  } catch (err) {
    if (!(err instanceof SelectorParseError)) throw err;
    errs.push(invalid('spec.selector', selector, 'invalid label selector'));
    return errs;
  }
  const labels = templateLabels(spec);
  // A missing selector selects nothing, so a template is never selected by it.
  if (compiled === null || (compiled.length > 0 && !labelsMatch(compiled, labels))) {
    errs.push(invalid('spec.template.metadata.labels', labels ?? null, '`selector` does not match template `labels`'));
  }
  return errs;
}

const PERCENT_FMT = '[0-9]+%';

/** An int-or-percent field (`maxSurge: 1` or `"25%"`): non-negative, and a percent at most 100% when `capped`. */
export function validateIntOrPercent(value: unknown, path: string, capped: boolean): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'number') return nonNegative(path, value);
  if (typeof value !== 'string') return [invalid(path, value, 'must be an integer or a percentage')];
  if (!new RegExp(`^${PERCENT_FMT}$`).test(value)) {
    return [invalid(path, value, regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%'))];
  }
  return capped && Number(value.slice(0, -1)) > 100 ? [invalid(path, value, 'must not be greater than 100%')] : [];
}

/** The numeric part of an int-or-percent (`25%` → 25, 1 → 1); 0 when unset or malformed. */
export function intOrPercentValue(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+%$/.test(value)) return Number(value.slice(0, -1));
  return 0;
}

/** The pod template's container names and images, each comma-joined (the wide table cells). */
export function containerCells(spec: unknown): [string, string] {
  const template = isObject(spec) && isObject(spec.template) ? spec.template : {};
  const podSpec = isObject(template.spec) ? template.spec : {};
  const containers = objects(podSpec.containers);
  return [containers.map((c) => str(c.name)).join(','), containers.map((c) => str(c.image)).join(',')];
}

/**
 * The selector as kubectl's SELECTOR column shows it: the string form, else `empty` (`<none>`
 * for most kinds, '' for deployments); `invalid` when it does not compile.
 */
export function selectorCell(selector: unknown, empty = '<none>', invalidText = '<error>'): string {
  try {
    return selectorToString(isObject(selector) ? selector : null) || empty;
  } catch (err) {
    if (err instanceof SelectorParseError) return invalidText;
    throw err;
  }
}

/** A non-negative number field, when set. */
export function validateNonNegativeFields(spec: JsonObject, fields: readonly string[]): FieldError[] {
  return fields.flatMap((f) => nonNegative(`spec.${f}`, spec[f]));
}

/**
 * The pod template of a replicated workload (deployment, replica set): a valid template whose
 * pods always restart and have no active deadline. `kind` names the kind in the message.
 */
export function validateReplicatedTemplate(spec: JsonObject, kind: string): FieldError[] {
  const errs = validatePodTemplate(spec.template, 'spec.template');
  const podSpec: unknown = isObject(spec.template) ? spec.template.spec : undefined;
  if (isObject(podSpec)) {
    if (podSpec.restartPolicy !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy ?? '', ['Always']));
    if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
      errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kind} is not Supported`));
    }
  }
  return errs;
}
