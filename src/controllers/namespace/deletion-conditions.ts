/**
 * The conditions a terminating namespace reports while the namespace controller empties it, as
 * upstream's controller words them, so `kubectl describe namespace` says why one is stuck:
 * discovery failures, failed deletions, the objects still there by resource, and the finalizers
 * still holding them.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import type { Condition } from '../common/conditions.ts';

/** What one pass of emptying the namespace found. */
export interface DeletionPass {
  /** Group-versions whose discovery failed. */
  readonly discoveryFailures: readonly string[];
  /** Messages of the resource types whose deletion failed. */
  readonly contentFailures: readonly string[];
  /** The objects still there, by group-resource (`pods`, `widgets.example.com`). */
  readonly remaining: ReadonlyMap<string, readonly KubeObject[]>;
}

type NewCondition = Omit<Condition, 'lastTransitionTime' | 'lastUpdateTime'>;

function condition(type: string, failing: boolean, [trueReason, trueMessage]: [string, string], [falseReason, falseMessage]: [string, string]): NewCondition {
  return failing ? { type, status: 'True', reason: trueReason, message: trueMessage } : { type, status: 'False', reason: falseReason, message: falseMessage };
}

/** The five deletion conditions for `pass`, in upstream's order. */
export function namespaceDeletionConditions(pass: DeletionPass): NewCondition[] {
  const resources = [...pass.remaining].filter(([, objects]) => objects.length > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const finalizers = new Map<string, number>();
  for (const [, objects] of resources) {
    for (const obj of objects) for (const f of obj.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
  }
  const held = [...finalizers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    condition(
      'NamespaceDeletionDiscoveryFailure',
      pass.discoveryFailures.length > 0,
      ['DiscoveryFailed', `Discovery failed for some groups, ${pass.discoveryFailures.length} failing: ${pass.discoveryFailures.join(', ')}`],
      ['ResourcesDiscovered', 'All resources successfully discovered'],
    ),
    condition('NamespaceDeletionGroupVersionParsingFailure', false, ['', ''], ['ParsedGroupVersions', 'All legacy kube types successfully parsed']),
    condition(
      'NamespaceDeletionContentFailure',
      pass.contentFailures.length > 0,
      ['ContentDeletionFailed', `Failed to delete all resource types, ${pass.contentFailures.length} remaining: ${pass.contentFailures.join(', ')}`],
      ['ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
    ),
    condition(
      'NamespaceContentRemaining',
      resources.length > 0,
      ['SomeResourcesRemain', `Some resources are remaining: ${resources.map(([r, objects]) => `${r} has ${objects.length} resource instances`).join(', ')}`],
      ['ContentRemoved', 'All content successfully removed'],
    ),
    condition(
      'NamespaceFinalizersRemaining',
      held.length > 0,
      ['SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${held.map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}`],
      ['ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
    ),
  ];
}
