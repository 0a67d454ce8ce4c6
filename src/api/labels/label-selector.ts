/**
 * The structured metav1.LabelSelector (`matchLabels` + `matchExpressions`) as workloads carry it
 * in `spec.selector`, compiled to the same requirement list the string syntax produces.
 */
import { SelectorParseError, newRequirement } from './parse.ts';
import type { Labels, Operator, Selector } from './requirement.ts';
import { labelsMatch, selectorString, sortByKey } from './requirement.ts';

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

const OPERATORS: Readonly<Record<LabelSelectorOperator, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Compiles a LabelSelector. `null`/`undefined` select nothing (returns null), `{}` selects
 * everything (returns []). Throws SelectorParseError for an unknown operator or bad key/value.
 */
export function labelSelectorToSelector(ls: LabelSelector | null | undefined): Selector | null {
  if (ls === null || ls === undefined) return null;
  const requirements = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) requirements.push(newRequirement(k, '=', [v]));
  for (const expr of ls.matchExpressions ?? []) {
    const op = OPERATORS[expr.operator];
    if (op === undefined) throw new SelectorParseError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    requirements.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return sortByKey(requirements);
}

/**
 * The selector in string form, e.g. `app=web` (Scale's status.selector, kubectl's SELECTOR
 * column). An empty or missing selector gives ''. Throws SelectorParseError when invalid.
 */
export function selectorToString(ls: LabelSelector | null | undefined): string {
  const selector = labelSelectorToSelector(ls);
  return selector === null ? '' : selectorString(selector);
}

/** Whether `labels` are selected by `ls`; a missing selector selects nothing, an empty one all. */
export function labelSelectorMatches(ls: LabelSelector | null | undefined, labels: Labels | undefined): boolean {
  const selector = labelSelectorToSelector(ls);
  return selector !== null && labelsMatch(selector, labels);
}
