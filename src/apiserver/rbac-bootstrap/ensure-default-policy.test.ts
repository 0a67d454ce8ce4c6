import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.ts';
import { MemoryStorage } from '../../storage/memory/memory-storage.ts';
import { ApiRegistry } from '../registry/api-registry.ts';
import type { GenericStore } from '../registry/generic-store.ts';
import { clusterRoleBindingStrategy, clusterRoleStrategy } from '../registry/resources/rbac.ts';
import { listOptions } from '../system-objects.ts';
import { DEFAULT_CLUSTER_ROLE_BINDINGS, DEFAULT_CLUSTER_ROLES } from './default-policy.ts';
import { ensureDefaultPolicy } from './ensure-default-policy.ts';
import { AUTOUPDATE_ANNOTATION } from './policy-builders.ts';

const WRITE = { dryRun: false } as const;

interface Server {
  readonly registry: ApiRegistry;
  readonly roles: GenericStore;
  readonly bindings: GenericStore;
}

/** An apiserver's registry of the RBAC cluster kinds on `storage`. */
async function server(storage: MemoryStorage): Promise<Server> {
  const registry = new ApiRegistry(storage, () => {});
  const roles = (await registry.add(clusterRoleStrategy)).store;
  const bindings = (await registry.add(clusterRoleBindingStrategy)).store;
  return { registry, roles, bindings };
}

/** Runs `test` against one apiserver's registry on a fresh memory store, then stops both. */
async function onOneServer(test: (s: Server, storage: MemoryStorage) => Promise<void>): Promise<void> {
  const storage = new MemoryStorage();
  const s = await server(storage);
  try {
    await test(s, storage);
  } finally {
    await s.registry.stop();
    await storage.close();
  }
}

async function names(store: GenericStore): Promise<string[]> {
  return (await store.list('', listOptions())).items.map((o) => o.metadata.name ?? '').sort();
}

const sortedNames = (objects: readonly KubeObject[]): string[] => objects.map((o) => o.metadata.name ?? '').sort();

const viewRule = { verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] };

describe('ensureDefaultPolicy', () => {
  it('creates the whole policy in an empty store, and a second run writes nothing', () =>
    onOneServer(async (s, storage) => {
      await ensureDefaultPolicy(s.registry);
      assert.deepEqual(await names(s.roles), sortedNames(DEFAULT_CLUSTER_ROLES));
      assert.deepEqual(await names(s.bindings), sortedNames(DEFAULT_CLUSTER_ROLE_BINDINGS));
      const revision = await storage.currentRevision();
      await ensureDefaultPolicy(s.registry);
      assert.equal(await storage.currentRevision(), revision);
    }));

  it('converges when several apiservers run it at once', async () => {
    const storage = new MemoryStorage();
    const servers = await Promise.all([server(storage), server(storage), server(storage)]);
    try {
      await Promise.all(servers.map((s) => ensureDefaultPolicy(s.registry)));
      assert.deepEqual(await names(servers[0].roles), sortedNames(DEFAULT_CLUSTER_ROLES));
      assert.deepEqual(await names(servers[0].bindings), sortedNames(DEFAULT_CLUSTER_ROLE_BINDINGS));
    } finally {
      await Promise.all(servers.map((s) => s.registry.stop()));
      await storage.close();
    }
  });

  it('restores deleted defaults, adds back removed rules and subjects, and keeps what users added', () =>
    onOneServer(async (s) => {
      await ensureDefaultPolicy(s.registry);
      await s.roles.delete('', 'system:discovery', { dryRun: false, gracePeriodSeconds: 0, preconditions: undefined });
      await s.roles.guaranteedUpdate('', 'system:node', 'main', WRITE, undefined, (r) => ({ ...r, rules: [viewRule, ...(r.rules as unknown[]).slice(1)] }));
      await s.bindings.guaranteedUpdate('', 'system:node-proxier', 'main', WRITE, undefined, (b) => ({
        ...b,
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
    }));
    await s.roles.guaranteedUpdate('', 'view', 'main', WRITE, undefined, (r) => ({ ...r, rules: [viewRule], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: 'a' } }] } }));

    await ensureDefaultPolicy(s.registry);
    assert.ok(await s.roles.get('', 'system:discovery'), 'the deleted role is back');
    const defaultNode = DEFAULT_CLUSTER_ROLES.find((r) => r.metadata.name === 'system:node')!;
    const node = await s.roles.get('', 'system:node');
    assert.deepEqual(node.rules, [viewRule, ...(defaultNode.rules as unknown[]).slice(1), (defaultNode.rules as unknown[])[0]], 'the removed rule added back after the user one');
    const proxier = await s.bindings.get('', 'system:node-proxier');
    assert.deepEqual((proxier.subjects as { name: string }[]).map((x) => x.name), ['alice', 'system:nodes', 'system:kube-proxy']);
    const view = await s.roles.get('', 'view');
    assert.deepEqual(view.rules, [viewRule], 'the rules of an aggregated role are left to its controller');
    assert.deepEqual(view.aggregationRule, {
      clusterRoleSelectors: [{ matchLabels: { team: 'a' } }, { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }],
    });
    }));

  it('leaves objects annotated autoupdate "false" as they are', () =>
    onOneServer(async (s, storage) => {
      await ensureDefaultPolicy(s.registry);
      const optOut = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, annotations: { [AUTOUPDATE_ANNOTATION]: 'false' } } });
      await s.roles.guaranteedUpdate('', 'system:monitoring', 'main', WRITE, undefined, (r) => ({ ...optOut(r), rules: [viewRule] }));
      await s.bindings.guaranteedUpdate('', 'system:monitoring', 'main', WRITE, undefined, (b) => ({ ...optOut(b), subjects: [] }));
      const revision = await storage.currentRevision();
      await ensureDefaultPolicy(s.registry);
      assert.equal(await storage.currentRevision(), revision);
      assert.deepEqual((await s.roles.get('', 'system:monitoring')).rules, [viewRule]);
      assert.deepEqual((await s.bindings.get('', 'system:monitoring')).subjects, []);
    }));

  it('recreates a default binding that grants another role', () =>
    onOneServer(async (s) => {
      await s.bindings.create('', {
        metadata: { name: 'system:discovery' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }],
      }, WRITE);
      await ensureDefaultPolicy(s.registry);
      assert.equal(((await s.bindings.get('', 'system:discovery')).roleRef as { name: string }).name, 'system:discovery');
    }));
});
