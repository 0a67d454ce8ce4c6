import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extendSchemaRegistry, kindSchemaOf } from '../openapi/registry.ts';
import { kindWithList, loose, map, obj, str } from '../openapi/schemas/dsl.ts';
import { builtinSchemaRegistry } from '../openapi/schemas/index.ts';
import { pruneUnknownFields } from './unknown-fields.ts';

const registry = extendSchemaRegistry(
  builtinSchemaRegistry,
  kindWithList({ group: 'example.com', version: 'v1', kind: 'Gadget' }, 'A gadget.', {
    spec: {
      ...obj('Spec.', { known: str(), nested: obj(undefined, { a: str() }) }),
      'x-kubernetes-preserve-unknown-fields': true,
    },
    free: loose(),
    settings: map(obj(undefined, { value: str() })),
  }),
);

function prune(group: string, version: string, kind: string, value: unknown): { unknown: string[]; value: unknown } {
  const k = kindSchemaOf(registry, { group, version, kind })!;
  const copy = structuredClone(value);
  return { unknown: pruneUnknownFields(copy, k.schema, k.resolve), value: copy };
}

void describe('pruneUnknownFields', () => {
  void it('finds and removes undeclared fields at any depth, through lists', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', colour: 'red' },
      spec: {
        replicas: 1,
        foo: true,
        template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', imagee: 'typo', ports: [{ containerPort: 80, hostport: 1 }] }] } },
      },
      bogus: 1,
    };
    const { unknown, value } = prune('apps', 'v1', 'Deployment', deployment);
    assert.deepEqual(unknown, [
      'metadata.colour',
      'spec.foo',
      'spec.template.spec.containers[1].imagee',
      'spec.template.spec.containers[1].ports[0].hostport',
      'bogus',
    ]);
    const v = value as typeof deployment;
    assert.equal('bogus' in v, false);
    assert.deepEqual(v.spec.template.spec.containers[1], { name: 'b', ports: [{ containerPort: 80 }] });
  });

  void it('accepts any key of a map, and checks the values of a map of objects', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { anything: 'goes' } }, data: { 'any.key': 'v' } };
    assert.deepEqual(prune('', 'v1', 'ConfigMap', cm).unknown, []);
    const gadget = { metadata: {}, settings: { one: { value: 'v', extra: 1 } } };
    assert.deepEqual(prune('example.com', 'v1', 'Gadget', gadget).unknown, ['settings.one.extra']);
  });

  void it('keeps unknown fields where the schema preserves them, still checking the declared ones', () => {
    const gadget = { metadata: {}, spec: { known: 'k', whatever: { deep: 1 }, nested: { a: 'x', b: 'y' } }, free: { anything: [1, 2] } };
    const { unknown, value } = prune('example.com', 'v1', 'Gadget', gadget);
    assert.deepEqual(unknown, ['spec.nested.b']);
    assert.deepEqual((value as typeof gadget).spec.whatever, { deep: 1 });
    assert.deepEqual((value as typeof gadget).free, { anything: [1, 2] });
  });

  void it('takes int-or-string and quantities as scalars', () => {
    const svc = { metadata: {}, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } };
    assert.deepEqual(prune('', 'v1', 'Service', svc).unknown, []);
  });
});
