import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceDeletionConditions } from './deletion-conditions.ts';

const summary = (pass: Parameters<typeof namespaceDeletionConditions>[0]) => namespaceDeletionConditions(pass).map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`);

void test('a namespace with content left says which resources and finalizers hold it', () => {
  const held = (name: string, finalizers: string[] = []) => ({ metadata: { name, finalizers } });
  assert.deepEqual(
    summary({
      discoveryFailures: ['example.com/v1'],
      contentFailures: [],
      remaining: new Map([
        ['pods', [held('a', ['x/y']), held('b')]],
        ['configmaps', []],
        ['widgets.example.com', [held('w', ['x/y', 'a/b'])]],
      ]),
    }),
    [
      'NamespaceDeletionDiscoveryFailure=True DiscoveryFailed: Discovery failed for some groups, 1 failing: example.com/v1',
      'NamespaceDeletionGroupVersionParsingFailure=False ParsedGroupVersions: All legacy kube types successfully parsed',
      'NamespaceDeletionContentFailure=False ContentDeleted: All content successfully deleted, may be waiting on finalization',
      'NamespaceContentRemaining=True SomeResourcesRemain: Some resources are remaining: pods has 2 resource instances, widgets.example.com has 1 resource instances',
      'NamespaceFinalizersRemaining=True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: a/b in 1 resource instances, x/y in 2 resource instances',
    ],
  );
});

void test('an emptied namespace reports every condition False', () => {
  const conditions = namespaceDeletionConditions({ discoveryFailures: [], contentFailures: [], remaining: new Map() });
  assert.deepEqual(conditions.map((c) => c.status), ['False', 'False', 'False', 'False', 'False']);
  assert.equal(conditions[3]!.reason, 'ContentRemoved');
  assert.equal(conditions[4]!.reason, 'ContentHasNoFinalizers');
});
