/**
 * Whether a pod may go to a node by its node constraints: `spec.nodeSelector` (every label
 * equal) and required node affinity (any of the nodeSelectorTerms; within a term every
 * matchExpression on labels and every matchField — only `metadata.name` exists — must hold;
 * an empty term matches nothing). Operators: In, NotIn, Exists, DoesNotExist, Gt, Lt.
 */
import { newRequirement, requirementMatches, SelectorParseError } from '../../labels/index.ts';
import type { Operator } from '../../labels/index.ts';
import { isObject, objects, str } from '../../meta/shape.ts';
import type { KubeObject } from '../../meta/types.ts';

const OPERATORS: Readonly<Record<string, Operator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

function expressionMatches(expr: Record<string, any>, values: Readonly<Record<string, string>>): boolean {
  const op = OPERATORS[str(expr.operator)];
  if (op === undefined) return false;
  try {
    return requirementMatches(newRequirement(str(expr.key), op, Array.isArray(expr.values) ? expr.values.map(String) : []), values);
  } catch (err) {
    // A malformed expression matches nothing (the apiserver refuses them; this guards stored oddities).
    if (err instanceof SelectorParseError) return false;
    throw err;
  }
}

/** Whether a NodeSelectorTerm matches the node. */
function termMatches(term: Record<string, any>, node: KubeObject): boolean {
  const expressions = objects(term.matchExpressions);
  const fields = objects(term.matchFields);
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const nodeFields = { 'metadata.name': node.metadata.name ?? '' };
  return expressions.every((e) => expressionMatches(e, labels)) && fields.every((f) => expressionMatches(f, nodeFields));
}

/** Whether the pod spec's nodeSelector and required node affinity allow `node`. */
export function podFitsNode(podSpec: unknown, node: KubeObject): boolean {
  const spec = isObject(podSpec) ? podSpec : {};
  const selector = isObject(spec.nodeSelector) ? spec.nodeSelector : {};
  for (const [k, v] of Object.entries(selector)) if (node.metadata.labels?.[k] !== v) return false;
  const required: unknown = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!isObject(required)) return true;
  const terms = objects(required.nodeSelectorTerms);
  return terms.some((t) => termMatches(t, node));
}

/** The node a pod is pinned to by a required `metadata.name` matchField (the DaemonSet way), if any. */
export function affinityNodeName(podSpec: unknown): string | undefined {
  const spec = isObject(podSpec) ? podSpec : {};
  const required: unknown = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!isObject(required)) return undefined;
  for (const term of objects(required.nodeSelectorTerms)) {
    for (const f of objects(term.matchFields)) {
      if (f.key === 'metadata.name' && f.operator === 'In' && Array.isArray(f.values) && f.values.length === 1) return String(f.values[0]);
    }
  }
  return undefined;
}
