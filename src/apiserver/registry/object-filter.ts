/**
 * Label and field selectors of a list or watch, compiled once into a predicate. Malformed
 * selectors and unsupported fields are 400 BadRequest with the parser's message.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { checkFieldsSupported, FieldSelectorError, fieldsMatch, parseFieldSelector } from '../../api/fields/selector.ts';
import { labelsMatch, parseSelector, SelectorParseError } from '../../api/labels/index.ts';
import { badRequest } from '../errors.ts';
import type { ResourceStrategy } from './strategy.ts';

export function buildObjectFilter(strategy: ResourceStrategy, labelSelector: string, fieldSelector: string): (obj: KubeObject) => boolean {
  let labels;
  let fields;
  try {
    labels = parseSelector(labelSelector);
  } catch (err) {
    if (err instanceof SelectorParseError) throw badRequest(err.message);
    throw err;
  }
  const extractors = strategy.fieldSelectors;
  const fieldOf = (obj: KubeObject, field: string): string | undefined => {
    if (field === 'metadata.name') return obj.metadata.name ?? '';
    if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
    return extractors[field]?.(obj) ?? '';
  };
  try {
    fields = parseFieldSelector(fieldSelector);
    checkFieldsSupported(fields, (f) => f === 'metadata.name' || f === 'metadata.namespace' || extractors[f] !== undefined);
  } catch (err) {
    if (err instanceof FieldSelectorError) throw badRequest(err.message);
    throw err;
  }
  if (labels.length === 0 && fields.length === 0) return () => true;
  const f = fields;
  const l = labels;
  return (obj) => labelsMatch(l, obj.metadata.labels) && fieldsMatch(f, (field) => fieldOf(obj, field));
}
