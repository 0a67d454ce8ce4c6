import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta/types.ts';
import { ApplyError } from './apply-error.ts';
import { ApplyConflictError } from './conflicts.ts';
import { applyConfiguration, LAST_APPLIED_ANNOTATION, recordUpdate } from './field-manager.ts';
import { FieldSet } from './field-set.ts';
import { decodeManagedFields, MAX_UPDATE_MANAGERS, type ManagerIdentity } from './managed-fields.ts';
import { formatPath } from './path-element.ts';
import { DEPLOYMENT, WIDGET } from './testing/types.ts';
import type { TypeNode } from './type-node.ts';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T11:00:00Z';
const T2 = '2024-05-01T12:00:00Z';

const updater = (manager: string, subresource?: string): ManagerIdentity => ({
  manager,
  operation: 'Update',
  apiVersion: 'example.com/v1',
  ...(subresource === undefined ? {} : { subresource }),
});
const applier = (manager: string): ManagerIdentity => ({ manager, operation: 'Apply', apiVersion: 'example.com/v1' });

function widget(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns', ...metadata }, spec };
}

/** Paths each manager owns, as `manager/operation` → printed paths. */
function owners(obj: KubeObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of decodeManagedFields(obj.metadata.managedFields)!.values()) {
    const name = `${e.identity.manager}/${e.identity.operation}${e.identity.subresource ? `/${e.identity.subresource}` : ''}`;
    out[name] = e.fields.paths().map(formatPath);
  }
  return out;
}

function update(live: KubeObject | undefined, next: KubeObject, manager: ManagerIdentity, now = T0, type: TypeNode = WIDGET, ignored?: FieldSet): KubeObject {
  const copy = structuredClone(next);
  recordUpdate({ live, next: copy, manager, type, now, ...(ignored === undefined ? {} : { ignored }) });
  return copy;
}

function apply(live: KubeObject | undefined, config: KubeObject, manager: string, opts: { force?: boolean; now?: string; type?: TypeNode } = {}): KubeObject {
  return applyConfiguration({ live, config, manager: applier(manager), force: opts.force ?? false, type: opts.type ?? WIDGET, now: opts.now ?? T1 });
}

void describe('recordUpdate', () => {
  void it('on create, the manager owns every field it set, but not the server-set metadata', () => {
    const created = update(undefined, widget({ replicas: 1, settings: { a: 'x' } }, { uid: 'u', labels: { app: 'w' } }), updater('kubectl-create'));
    assert.deepEqual(owners(created), {
      'kubectl-create/Update': ['.metadata.labels', '.metadata.labels.app', '.spec.replicas', '.spec.settings', '.spec.settings.a'],
    });
    const entry = created.metadata.managedFields![0]!;
    assert.equal(entry.apiVersion, 'example.com/v1');
    assert.equal(entry.time, T0);
    assert.equal(entry.fieldsType, 'FieldsV1');
    assert.deepEqual(entry.fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {}, 'f:settings': { '.': {}, 'f:a': {} } } });
  });

  void it('an update takes the fields it changes from their owners, and removes the fields it deletes', () => {
    const created = update(undefined, widget({ replicas: 1, paused: true }), updater('a'));
    const next = widget({ replicas: 2 });
    next.metadata.managedFields = created.metadata.managedFields;
    const updated = update(created, next, updater('b'), T1);
    assert.deepEqual(owners(updated), { 'b/Update': ['.spec.replicas'] });
  });

  void it('a write that changes nothing keeps the entries and their times', () => {
    const created = update(undefined, widget({ replicas: 1 }), updater('a'));
    const again = update(created, structuredClone(created), updater('b'), T1);
    assert.deepEqual(again.metadata.managedFields, created.metadata.managedFields);
  });

  void it('the same manager accumulates fields and its time moves', () => {
    const first = update(undefined, widget({ replicas: 1 }), updater('a'));
    const second = update(first, { ...structuredClone(first), spec: { replicas: 1, paused: false } }, updater('a'), T1);
    assert.deepEqual(owners(second), { 'a/Update': ['.spec.paused', '.spec.replicas'] });
    assert.equal(second.metadata.managedFields![0]!.time, T1);
  });

  void it('writes through a subresource are entries of their own, and ignored fields are not gained', () => {
    const created = update(undefined, { ...widget({ replicas: 1 }), status: { ready: 1 } }, updater('a'), T0, WIDGET, FieldSet.of(['f:status']));
    assert.deepEqual(owners(created), { 'a/Update': ['.spec.replicas'] });
    const scaled = update(created, { ...structuredClone(created), spec: { replicas: 3 } }, updater('kubectl', 'scale'), T1);
    assert.deepEqual(owners(scaled), { 'kubectl/Update/scale': ['.spec.replicas'] });
  });

  void it('managedFields the writer sends replace the stored ones; [{}] clears them; unreadable ones are ignored', () => {
    const created = update(undefined, widget({ replicas: 1, paused: true }), updater('a'));
    const edited = structuredClone(created);
    edited.metadata.managedFields = [{ manager: 'x', operation: 'Update', apiVersion: 'example.com/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } }];
    assert.deepEqual(owners(update(created, edited, updater('a'))), { 'x/Update': ['.spec.paused'] });
    const cleared = structuredClone(created);
    cleared.metadata.managedFields = [{}];
    assert.equal(update(created, cleared, updater('a')).metadata.managedFields, undefined);
    const garbage = structuredClone(created);
    (garbage.metadata as Record<string, unknown>)['managedFields'] = 'nonsense';
    assert.deepEqual(owners(update(created, garbage, updater('a'))), owners(created));
  });

  void it(`keeps at most ${MAX_UPDATE_MANAGERS} update entries, merging the oldest into ancient-changes`, () => {
    let obj = update(undefined, widget({ settings: { k0: 'v' } }), updater('m0'), '2024-05-01T00:00:00Z');
    for (let i = 1; i <= MAX_UPDATE_MANAGERS + 1; i++) {
      const next = structuredClone(obj);
      (next.spec.settings as Record<string, string>)[`k${i}`] = 'v';
      obj = update(obj, next, updater(`m${i}`), `2024-05-01T00:00:${String(i).padStart(2, '0')}Z`);
    }
    const entries = obj.metadata.managedFields!;
    assert.equal(entries.length, MAX_UPDATE_MANAGERS);
    const ancient = entries.find((e) => e.manager === 'ancient-changes')!;
    assert.deepEqual(FieldSet.fromFieldsV1(ancient.fieldsV1).paths().map(formatPath), ['.spec.settings', '.spec.settings.k0', '.spec.settings.k1', '.spec.settings.k2']);
  });

  void it('lists containers by key and defaults missing key fields, as upstream writes them', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
    };
    const created = update(undefined, deployment, { manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1' }, T0, DEPLOYMENT);
    const containers = (((created.metadata.managedFields![0]!.fieldsV1 as any)['f:spec']['f:template']['f:spec'] as Record<string, any>)['f:containers']);
    assert.deepEqual(Object.keys(containers), ['.', 'k:{"name":"web"}']);
    assert.deepEqual(Object.keys(containers['k:{"name":"web"}']['f:ports']), ['.', 'k:{"containerPort":80,"protocol":"TCP"}']);
  });
});

void describe('applyConfiguration', () => {
  void it('creates: the applier owns exactly what it applied', () => {
    const created = apply(undefined, widget({ replicas: 1, items: [{ name: 'a', value: '1' }] }), 'ci');
    assert.deepEqual(created.spec, { replicas: 1, items: [{ name: 'a', value: '1' }] });
    assert.deepEqual(owners(created), { 'ci/Apply': ['.spec.items[name="a"]', '.spec.items[name="a"].name', '.spec.items[name="a"].value', '.spec.replicas'] });
    assert.equal(created.metadata.managedFields![0]!.time, T1);
  });

  void it('merges into the live object, keeping fields the configuration does not mention', () => {
    const live = update(undefined, widget({ replicas: 1, paused: true }), updater('kubectl-create'));
    const applied = apply(live, widget({ settings: { a: 'x' } }), 'ci');
    assert.deepEqual(applied.spec, { replicas: 1, paused: true, settings: { a: 'x' } });
    assert.deepEqual(owners(applied), { 'ci/Apply': ['.spec.settings.a'], 'kubectl-create/Update': ['.spec.paused', '.spec.replicas'] });
  });

  void it('a field another manager owns with another value is a conflict naming field and manager', () => {
    const live = update(undefined, widget({ replicas: 1 }), updater('kubectl-create'));
    assert.throws(
      () => apply(live, widget({ replicas: 2, items: [{ name: 'a', value: '1' }] }), 'ci'),
      (e: unknown) => {
        assert.ok(e instanceof ApplyConflictError);
        assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-create" using example.com/v1: .spec.replicas');
        assert.deepEqual(e.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using example.com/v1', field: '.spec.replicas' }]);
        return true;
      },
    );
  });

  void it('lists several conflicts per manager', () => {
    let live = apply(undefined, widget({ replicas: 1, paused: true }), 'one');
    live = apply(live, widget({ settings: { a: 'x' } }), 'two');
    assert.throws(
      () => apply(live, widget({ replicas: 2, paused: false, settings: { a: 'y' } }), 'three'),
      (e: unknown) =>
        e instanceof ApplyConflictError &&
        e.message === 'Apply failed with 3 conflicts: conflicts with "one":\n- .spec.paused\n- .spec.replicas\nconflicts with "two":\n- .spec.settings.a',
    );
  });

  void it('force takes the fields over', () => {
    const live = update(undefined, widget({ replicas: 1, paused: true }), updater('kubectl-create'));
    const applied = apply(live, widget({ replicas: 2 }), 'ci', { force: true });
    assert.equal(applied.spec.replicas, 2);
    assert.deepEqual(owners(applied), { 'ci/Apply': ['.spec.replicas'], 'kubectl-create/Update': ['.spec.paused'] });
  });

  void it('applying the value another manager set shares the field instead of conflicting', () => {
    const live = update(undefined, widget({ replicas: 1 }), updater('kubectl-create'));
    const applied = apply(live, widget({ replicas: 1 }), 'ci');
    assert.deepEqual(owners(applied), { 'ci/Apply': ['.spec.replicas'], 'kubectl-create/Update': ['.spec.replicas'] });
  });

  void it('a field the applier stops applying is removed when nobody else owns it', () => {
    const first = apply(undefined, widget({ replicas: 1, paused: true, settings: { a: 'x', b: 'y' } }), 'ci');
    const second = apply(first, widget({ replicas: 1, settings: { a: 'x' } }), 'ci', { now: T2 });
    assert.deepEqual(second.spec, { replicas: 1, settings: { a: 'x' } });
    assert.deepEqual(owners(second), { 'ci/Apply': ['.spec.replicas', '.spec.settings.a'] });
    assert.equal(second.metadata.managedFields![0]!.time, T2);
  });

  void it('...and kept when another manager owns it', () => {
    const first = apply(undefined, widget({ replicas: 1, paused: true }), 'ci');
    const shared = apply(first, widget({ paused: true }), 'other');
    const second = apply(shared, widget({ replicas: 1 }), 'ci');
    assert.equal(second.spec.paused, true);
    assert.deepEqual(owners(second), { 'ci/Apply': ['.spec.replicas'], 'other/Apply': ['.spec.paused'] });
  });

  void it('...and kept when an updater took it over', () => {
    const first = apply(undefined, widget({ replicas: 1, paused: true }), 'ci');
    const edited = update(first, { ...structuredClone(first), spec: { replicas: 1, paused: false } }, updater('kubectl-edit'), T1);
    const second = apply(edited, widget({ replicas: 1 }), 'ci', { now: T2 });
    assert.equal(second.spec.paused, false);
  });

  void it('removes list elements and whole sub-objects that are no longer applied', () => {
    const first = apply(undefined, widget({ items: [{ name: 'a', value: '1' }, { name: 'b', nested: { a: 'x' } }], tags: ['t1', 't2'] }), 'ci');
    const second = apply(first, widget({ items: [{ name: 'b' }], tags: ['t2'] }), 'ci');
    assert.deepEqual(second.spec, { items: [{ name: 'b' }], tags: ['t2'] });
    const third = apply(second, widget({ replicas: 3 }), 'ci');
    assert.deepEqual(third.spec, { replicas: 3 });
  });

  void it('keeps fields nobody owns (server defaults) while the applier removes its own', () => {
    const first = apply(undefined, widget({ replicas: 1, paused: true }), 'ci');
    first.spec.settings = { defaulted: 'yes' };
    const second = apply(first, widget({ replicas: 1 }), 'ci');
    assert.deepEqual(second.spec, { replicas: 1, settings: { defaulted: 'yes' } });
  });

  void it('reapplying the same configuration changes nothing, not even the time', () => {
    const first = apply(undefined, widget({ replicas: 1 }), 'ci');
    const again = apply(first, widget({ replicas: 1 }), 'ci', { now: T2 });
    assert.deepEqual(again, first);
  });

  void it('kubectl server-side apply takes over client-side apply fields still at their applied values', () => {
    const config = widget({ replicas: 1, paused: true });
    const annotated = widget({ replicas: 1, paused: true }, { annotations: { [LAST_APPLIED_ANNOTATION]: JSON.stringify(config) } });
    const live = update(undefined, annotated, updater('kubectl-client-side-apply'));
    const applied = apply(live, widget({ replicas: 2, paused: true }), 'kubectl');
    assert.equal(applied.spec.replicas, 2);
    const recorded = JSON.parse(applied.metadata.annotations![LAST_APPLIED_ANNOTATION]!) as KubeObject;
    assert.equal(recorded.spec.replicas, 2, 'the last-applied annotation follows the server-side configuration');
    // A field changed since the client-side apply is still a conflict.
    const drifted = update(live, { ...structuredClone(live), spec: { replicas: 5, paused: true } }, updater('kubectl-scale'), T1);
    assert.throws(() => apply(drifted, widget({ replicas: 2, paused: true }), 'kubectl'), ApplyConflictError);
    // Any other manager gets no such allowance.
    assert.throws(() => apply(live, widget({ replicas: 2 }), 'ci'), ApplyConflictError);
  });

  void it('refuses managedFields in the configuration and malformed lists', () => {
    const config = widget({});
    config.metadata.managedFields = [];
    assert.throws(() => apply(undefined, config, 'ci'), (e: unknown) => e instanceof ApplyError && e.code === 400 && e.message === 'metadata.managedFields must be nil');
    assert.throws(() => apply(undefined, widget({ items: [{ value: 'x' }] }), 'ci'), (e: unknown) => e instanceof ApplyError && e.code === 422);
  });

  void it('a null scalar removes the field, and the applier owns it', () => {
    const live = apply(undefined, widget({ replicas: 1, paused: true }), 'one');
    const applied = apply(live, widget({ paused: null }), 'two', { force: true });
    assert.deepEqual(applied.spec, { replicas: 1 });
    assert.deepEqual(owners(applied)['two/Apply'], ['.spec.paused']);
  });
});
