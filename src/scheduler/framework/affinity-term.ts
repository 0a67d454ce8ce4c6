/**
 * Pod (anti-)affinity terms compiled once per pod. A term selects pods by label selector in a
 * set of namespaces (its `namespaces` list, plus those its `namespaceSelector` selects; the
 * owning pod's own namespace when both are unset) and names the `topologyKey` that defines
 * "the same place". `matchLabelKeys`/`mismatchLabelKeys` add `key in (my value)` /
 * `key notin (my value)` requirements taken from the owning pod's labels.
 */
import type { Labels, Selector } from '../../api/labels/index.ts';
import { labelSelectorToSelector, labelsMatch, newRequirement } from '../../api/labels/index.ts';
import { isObject, objects, str } from '../../api/meta/shape.ts';

/** Returns a namespace's labels (undefined when the namespace is unknown). */
export type NamespaceLabels = (namespace: string) => Labels | undefined;

/** One compiled PodAffinityTerm. */
export interface AffinityTerm {
  readonly topologyKey: string;
  /** Null: the term's selector is missing, so it selects no pod. */
  readonly selector: Selector | null;
  readonly namespaces: ReadonlySet<string>;
  /** Null: no namespaceSelector. An empty selector selects every namespace. */
  readonly namespaceSelector: Selector | null;
}

/** A preferred term with its weight (1-100). */
export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

function withLabelKeys(selector: Selector | null, term: Record<string, unknown>, ownLabels: Labels): Selector | null {
  if (selector === null) return null;
  const extra = [];
  for (const key of Array.isArray(term.matchLabelKeys) ? term.matchLabelKeys : []) {
    if (typeof key === 'string' && ownLabels[key] !== undefined) extra.push(newRequirement(key, 'in', [ownLabels[key]]));
  }
  for (const key of Array.isArray(term.mismatchLabelKeys) ? term.mismatchLabelKeys : []) {
    if (typeof key === 'string' && ownLabels[key] !== undefined) extra.push(newRequirement(key, 'notin', [ownLabels[key]]));
  }
  return extra.length === 0 ? selector : [...selector, ...extra];
}

/** Compiles a PodAffinityTerm of a pod in `namespace` with `labels`. @throws SelectorParseError */
export function compileAffinityTerm(term: unknown, namespace: string, labels: Labels): AffinityTerm {
  const t = isObject(term) ? term : {};
  const listed = (Array.isArray(t.namespaces) ? t.namespaces : []).filter((n): n is string => typeof n === 'string');
  const nsSelector = isObject(t.namespaceSelector) ? labelSelectorToSelector(t.namespaceSelector) : null;
  const namespaces = new Set(listed.length === 0 && nsSelector === null ? [namespace] : listed);
  return {
    topologyKey: str(t.topologyKey),
    selector: withLabelKeys(isObject(t.labelSelector) ? labelSelectorToSelector(t.labelSelector) : null, t, labels),
    namespaces,
    namespaceSelector: nsSelector,
  };
}

/** Compiles a list of WeightedPodAffinityTerms. @throws SelectorParseError */
export function compileWeightedTerms(terms: unknown, namespace: string, labels: Labels): WeightedAffinityTerm[] {
  return objects(terms).map((w) => ({ ...compileAffinityTerm(w.podAffinityTerm, namespace, labels), weight: typeof w.weight === 'number' ? w.weight : 0 }));
}

/** Whether `term` selects a pod with `labels` in `namespace`. */
export function termMatches(term: AffinityTerm, namespace: string, labels: Labels, namespaceLabels: NamespaceLabels): boolean {
  if (term.selector === null) return false;
  if (!term.namespaces.has(namespace)) {
    if (term.namespaceSelector === null) return false;
    if (term.namespaceSelector.length > 0 && !labelsMatch(term.namespaceSelector, namespaceLabels(namespace))) return false;
  }
  return labelsMatch(term.selector, labels);
}
