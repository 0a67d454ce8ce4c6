/** Label selectors of workloads, compiled once per reconcile and matched against objects. */
import type { LabelSelector } from '../../api/labels/index.ts';
import { labelSelectorToSelector, labelsMatch, SelectorParseError } from '../../api/labels/index.ts';
import type { KubeObject } from '../../api/meta/types.ts';

/**
 * A predicate for `spec.selector`. A missing or invalid selector selects nothing (the
 * apiserver refuses both for workloads, so this only guards against stored oddities); an empty
 * one ({}) selects everything.
 */
export function selectorMatcher(selector: unknown): (obj: KubeObject) => boolean {
  let compiled;
  try {
    compiled = labelSelectorToSelector(selector as LabelSelector | null | undefined);
  } catch (err) {
    if (err instanceof SelectorParseError) return () => false;
    throw err;
  }
  if (compiled === null) return () => false;
  const requirements = compiled;
  return (obj) => labelsMatch(requirements, obj.metadata.labels);
}

/** Whether `labels` contain every label of `subset` with the same value. */
export function hasLabels(labels: Readonly<Record<string, string>> | undefined, subset: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(subset ?? {}).every(([k, v]) => labels?.[k] === v);
}
