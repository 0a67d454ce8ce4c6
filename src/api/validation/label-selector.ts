/**
 * Validation of a structured LabelSelector (`spec.selector` of workloads): label syntax in
 * matchLabels, and for each expression a known operator, a valid key, and values present
 * exactly when the operator takes them.
 */
import { asArray, isObject } from '../meta/shape.ts';
import type { FieldError } from '../meta/types.ts';
import { child, forbidden, index, invalid, required } from './field-errors.ts';
import { isLabelValue, isQualifiedName } from './names.ts';
import { validateLabels } from './object-meta.ts';

/** Validates a LabelSelector at `path`; a missing selector is not this function's concern. */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (selector === undefined || selector === null) return [];
  if (!isObject(selector)) return [invalid(path, selector, 'must be an object')];
  const errs: FieldError[] = [];
  if (selector.matchLabels !== undefined && selector.matchLabels !== null && !isObject(selector.matchLabels)) {
    errs.push(invalid(child(path, 'matchLabels'), selector.matchLabels, 'must be a map of strings'));
  } else {
    errs.push(...validateLabels(selector.matchLabels, child(path, 'matchLabels')));
  }
  asArray(selector.matchExpressions).forEach((expr, i) => {
    const exprPath = index(child(path, 'matchExpressions'), i);
    if (!isObject(expr)) {
      errs.push(invalid(exprPath, expr, 'must be an object'));
      return;
    }
    const values = asArray(expr.values);
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(child(exprPath, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(child(exprPath, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(child(exprPath, 'operator'), expr.operator ?? '', 'not a valid selector operator'));
    }
    const key = typeof expr.key === 'string' ? expr.key : '';
    for (const msg of isQualifiedName(key)) errs.push(invalid(child(exprPath, 'key'), key, msg));
    values.forEach((v, vi) => {
      const value = typeof v === 'string' ? v : String(v);
      for (const msg of isLabelValue(value)) errs.push(invalid(index(child(exprPath, 'values'), vi), v, msg));
    });
  });
  return errs;
}
