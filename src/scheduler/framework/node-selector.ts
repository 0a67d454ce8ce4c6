/**
 * Node selectors compiled once per pod: `spec.nodeSelector` (every label must equal) and the
 * NodeSelector of node affinity (`nodeSelectorTerms`: the terms are ORed, a term's
 * matchExpressions and matchFields are ANDed; an empty term matches no node). Operators: In,
 * NotIn, Exists, DoesNotExist, Gt, Lt (integer comparison of the label value); matchFields
 * supports `metadata.name` with In and NotIn, as upstream does.
 */
import { isObject, objects, str } from '../../api/meta/shape.ts';

/** What a compiled selector looks at. */
export interface NodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A compiled NodeSelectorTerm or NodeSelector. */
export type NodeMatcher = (node: NodeFacts) => boolean;

/** Thrown for a selector that cannot be compiled (an unknown operator, a non-integer Gt). */
export class NodeSelectorError extends Error {
  override name = 'NodeSelectorError';
}

function parseInteger(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

function has(labels: Readonly<Record<string, string>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

function compileExpression(expr: Record<string, unknown>, valueOf: (node: NodeFacts) => string | undefined, fieldsOnly: boolean): NodeMatcher {
  const key = str(expr.key);
  const operator = str(expr.operator);
  const values = Array.isArray(expr.values) ? expr.values.filter((v): v is string => typeof v === 'string') : [];
  if (fieldsOnly && operator !== 'In' && operator !== 'NotIn') {
    throw new NodeSelectorError(`Cannot use operator "${operator}" in matchFields: only In and NotIn are supported`);
  }
  switch (operator) {
    case 'In': {
      const set = new Set(values);
      return (n) => {
        const v = valueOf(n);
        return v !== undefined && set.has(v);
      };
    }
    case 'NotIn': {
      const set = new Set(values);
      return (n) => {
        const v = valueOf(n);
        return v === undefined || !set.has(v);
      };
    }
    case 'Exists':
      return (n) => valueOf(n) !== undefined;
    case 'DoesNotExist':
      return (n) => valueOf(n) === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 ? parseInteger(values[0]!) : undefined;
      if (bound === undefined) throw new NodeSelectorError(`Cannot use operator ${operator} on "${key}": it needs exactly one integer value`);
      return (n) => {
        const v = valueOf(n);
        const actual = v === undefined ? undefined : parseInteger(v);
        return actual !== undefined && (operator === 'Gt' ? actual > bound : actual < bound);
      };
    }
    default:
      throw new NodeSelectorError(`Cannot compile node selector requirement on "${key}": unknown operator "${operator}"`);
  }
}

/** Compiles one NodeSelectorTerm; an empty term matches nothing. @throws NodeSelectorError */
export function compileNodeSelectorTerm(term: unknown): NodeMatcher {
  const t = isObject(term) ? term : {};
  const parts: NodeMatcher[] = [];
  for (const e of objects(t.matchExpressions)) {
    const key = str(e.key);
    parts.push(compileExpression(e, (n) => (has(n.labels, key) ? n.labels[key] : undefined), false));
  }
  for (const f of objects(t.matchFields)) {
    if (str(f.key) !== 'metadata.name') throw new NodeSelectorError(`Cannot compile matchFields on "${str(f.key)}": only metadata.name is supported`);
    parts.push(compileExpression(f, (n) => n.name, true));
  }
  if (parts.length === 0) return () => false;
  if (parts.length === 1) return parts[0]!;
  return (n) => parts.every((p) => p(n));
}

/** Compiles a NodeSelector (`{nodeSelectorTerms: [...]}`): any term may match. @throws NodeSelectorError */
export function compileNodeSelector(selector: unknown): NodeMatcher {
  const terms = objects(isObject(selector) ? selector.nodeSelectorTerms : undefined).map(compileNodeSelectorTerm);
  if (terms.length === 1) return terms[0]!;
  return (n) => terms.some((t) => t(n));
}

/** Compiles `spec.nodeSelector`: every listed label must be present with that value. */
export function compileLabelEquality(labels: Readonly<Record<string, string>>): NodeMatcher {
  const entries = Object.entries(labels);
  return (n) => entries.every(([k, v]) => has(n.labels, k) && n.labels[k] === v);
}

/**
 * The node names a NodeSelector can match at most, when every term pins `metadata.name` with
 * In (as DaemonSet pods do); undefined when any term may match other nodes.
 */
export function nodeNamesPinnedBy(selector: unknown): Set<string> | undefined {
  const terms = objects(isObject(selector) ? selector.nodeSelectorTerms : undefined);
  if (terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    const pin = objects(term.matchFields).find((f) => str(f.key) === 'metadata.name' && str(f.operator) === 'In');
    if (pin === undefined) return undefined;
    for (const v of Array.isArray(pin.values) ? pin.values : []) if (typeof v === 'string') names.add(v);
  }
  return names;
}
