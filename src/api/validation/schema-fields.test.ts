import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extendSchemaRegistry, kindSchemaOf } from '../openapi/registry.ts';
import { arr, bool, int32, int64, intOrString, kindWithList, loose, map, num, obj, quantity, str } from '../openapi/schemas/dsl.ts';
import { builtinSchemaRegistry } from '../openapi/schemas/index.ts';
import { checkSchemaFields, type WrongType } from './schema-fields.ts';

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
  kindWithList({ group: 'example.com', version: 'v1', kind: 'Typed' }, 'Every JSON type.', {
    s: str(),
    b: bool(),
    n: num(),
    i32: int32(),
    i64: int64(),
    ios: intOrString(),
    q: quantity(),
    o: obj(undefined, { a: str() }),
    list: arr(str()),
    counts: map(int32()),
    free: loose(),
    untyped: {},
    items: arr(obj(undefined, { ports: arr(obj(undefined, { containerPort: int32() })) })),
    objects: map(obj(undefined, { flag: bool() })),
  }),
);

function prune(group: string, version: string, kind: string, value: unknown): { unknown: string[]; value: unknown } {
  const k = kindSchemaOf(registry, { group, version, kind })!;
  const copy = structuredClone(value);
  return { unknown: checkSchemaFields(copy, k, { types: false }).unknown, value: copy };
}

/** The wrong type found in a Typed object holding `fields`, or undefined. */
function wrongType(fields: Record<string, unknown>): WrongType | undefined {
  const k = kindSchemaOf(registry, { group: 'example.com', version: 'v1', kind: 'Typed' })!;
  return checkSchemaFields({ apiVersion: 'example.com/v1', kind: 'Typed', metadata: {}, ...fields }, k, { types: true }).wrongType;
}

/** The path of the wrong type found in a Typed object holding `fields`, or undefined. */
function wrongAt(fields: Record<string, unknown>): string | undefined {
  return wrongType(fields)?.path;
}

void describe('checkSchemaFields: unknown fields', () => {
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

void describe('checkSchemaFields: JSON types', () => {
  void it('accepts each type with a value of that type', () => {
    const ok = {
      s: 'x',
      b: false,
      n: 1.5,
      i32: -2147483648,
      i64: 9007199254740991,
      ios: 'http',
      q: '500m',
      o: { a: 'x' },
      list: ['a'],
      counts: { a: 1 },
      free: { deep: [1, 'x', { y: true }] },
      untyped: [1, 'two'],
      items: [{ ports: [{ containerPort: 80 }] }],
      objects: { one: { flag: true } },
    };
    assert.equal(wrongType(ok), undefined);
    assert.equal(wrongType({ ios: 8080, q: 2 }), undefined);
    assert.equal(wrongType({ q: 0.5 }), undefined);
  });

  void it('refuses a value of another JSON type, naming the path, the type wanted and the value', () => {
    assert.deepEqual(wrongType({ i32: 'abc' }), { path: 'i32', expected: 'int32 (a whole number)', got: 'string "abc"' });
    assert.deepEqual(wrongType({ s: 5 }), { path: 's', expected: 'string', got: 'number 5' });
    assert.deepEqual(wrongType({ b: 'yes' }), { path: 'b', expected: 'boolean', got: 'string "yes"' });
    assert.deepEqual(wrongType({ n: '1' }), { path: 'n', expected: 'number', got: 'string "1"' });
    assert.deepEqual(wrongType({ o: 'x' }), { path: 'o', expected: 'object', got: 'string "x"' });
    assert.deepEqual(wrongType({ o: ['x'] }), { path: 'o', expected: 'object', got: 'array' });
    assert.deepEqual(wrongType({ list: 'x' }), { path: 'list', expected: 'array', got: 'string "x"' });
    assert.deepEqual(wrongType({ list: {} }), { path: 'list', expected: 'array', got: 'object' });
    assert.deepEqual(wrongType({ i32: true }), { path: 'i32', expected: 'int32 (a whole number)', got: 'boolean true' });
    assert.deepEqual(wrongType({ i32: {} }), { path: 'i32', expected: 'int32 (a whole number)', got: 'object' });
    assert.deepEqual(wrongType({ i32: 'x'.repeat(100) })?.got, `string "${'x'.repeat(64)}..."`, 'a long string is shortened');
  });

  void it('wants whole numbers within the integer format, and finite numbers', () => {
    assert.deepEqual(wrongType({ i32: 1.5 }), { path: 'i32', expected: 'int32 (a whole number)', got: 'number 1.5' });
    assert.equal(wrongAt({ i32: 2147483648 }), 'i32');
    assert.equal(wrongAt({ i32: -2147483649 }), 'i32');
    assert.equal(wrongAt({ i64: 2147483648 }), undefined);
    assert.equal(wrongAt({ i64: 0.5 }), 'i64');
    // 2^63 - 1 parses as 2^63, which no int64 holds once written back.
    assert.equal(wrongAt({ i64: JSON.parse('9223372036854775807') }), 'i64');
    assert.equal(wrongAt({ i64: -(2 ** 63) }), 'i64');
    const infinity = JSON.parse('{"n": 1e400}') as { n: number };
    assert.equal(infinity.n, Number.POSITIVE_INFINITY);
    assert.deepEqual(wrongType({ n: infinity.n }), { path: 'n', expected: 'number', got: 'a number out of range' });
    assert.equal(wrongAt({ i32: Number.POSITIVE_INFINITY }), 'i32');
    assert.equal(wrongAt({ q: Number.NEGATIVE_INFINITY }), 'q');
  });

  void it('takes a string or an int32 for int-or-string, a string or a number for a quantity', () => {
    assert.equal(wrongAt({ ios: '25%' }), undefined);
    assert.equal(wrongAt({ ios: 1.5 }), 'ios');
    assert.equal(wrongAt({ ios: 2 ** 31 }), 'ios');
    assert.deepEqual(wrongType({ ios: true }), { path: 'ios', expected: 'int32 or string', got: 'boolean true' });
    assert.equal(wrongAt({ ios: { a: 1 } }), 'ios');
    assert.deepEqual(wrongType({ q: [] }), { path: 'q', expected: 'quantity (a string or a number)', got: 'array' });
  });

  void it('accepts null everywhere: an unset field, a null element or map value', () => {
    const nulls = { s: null, b: null, n: null, i32: null, i64: null, ios: null, q: null, o: null, list: [null], counts: { a: null }, items: [null, { ports: null }] };
    assert.equal(wrongType(nulls), undefined);
  });

  void it('checks nested lists of objects and maps of objects, with their paths', () => {
    const items = [{ ports: [{ containerPort: 80 }] }, { ports: [{ containerPort: 81 }, { containerPort: '82' }] }];
    assert.deepEqual(wrongType({ items }), { path: 'items[1].ports[1].containerPort', expected: 'int32 (a whole number)', got: 'string "82"' });
    assert.equal(wrongAt({ items: [{ ports: 'x' }] }), 'items[0].ports');
    assert.equal(wrongAt({ items: ['x'] }), 'items[0]');
    assert.equal(wrongAt({ objects: { one: { flag: 1 } } }), 'objects.one.flag');
    assert.equal(wrongAt({ objects: { one: 'x' } }), 'objects.one');
    assert.equal(wrongAt({ counts: { a: 1, b: 'two' } }), 'counts.b');
    assert.equal(wrongAt({ list: ['a', 2] }), 'list[1]');
  });

  void it('takes any JSON where the schema leaves the type open, but only finite numbers', () => {
    assert.equal(wrongAt({ free: { a: 'x', b: [1, { c: null }] }, untyped: 'anything' }), undefined);
    const parsed = JSON.parse('{"free": {"a": [1, {"b": 1e400}]}}') as Record<string, unknown>;
    assert.deepEqual(wrongType(parsed), { path: 'free.a[1].b', expected: 'a finite number', got: 'a number out of range' });
    assert.equal(wrongAt({ untyped: Number.POSITIVE_INFINITY }), 'untyped');
  });

  void it('checks ObjectMeta: names are strings, labels and annotations maps of strings, finalizers lists of strings', () => {
    assert.equal(wrongAt({ metadata: { name: 5 } }), 'metadata.name');
    assert.equal(wrongAt({ metadata: { generateName: 5 } }), 'metadata.generateName');
    assert.equal(wrongAt({ metadata: { name: ['a'] } }), 'metadata.name');
    assert.equal(wrongAt({ metadata: { namespace: {} } }), 'metadata.namespace');
    assert.equal(wrongAt({ metadata: { labels: 'notamap' } }), 'metadata.labels');
    assert.equal(wrongAt({ metadata: { annotations: ['x'] } }), 'metadata.annotations');
    assert.equal(wrongAt({ metadata: { annotations: { a: 5 } } }), 'metadata.annotations.a');
    assert.equal(wrongAt({ metadata: { finalizers: 'x' } }), 'metadata.finalizers');
    assert.equal(wrongAt({ metadata: { ownerReferences: [{ name: 'o', controller: 'yes' }] } }), 'metadata.ownerReferences[0].controller');
    assert.equal(wrongAt({ metadata: { generation: '1' } }), 'metadata.generation');
    assert.equal(wrongAt({ metadata: { creationTimestamp: null, labels: null } }), undefined);
  });

  void it('stops at the first wrong type, and still finds unknown fields when types are right', () => {
    const k = kindSchemaOf(registry, { group: 'example.com', version: 'v1', kind: 'Typed' })!;
    const found = checkSchemaFields({ metadata: {}, s: 1, b: 'x', extra: 1 }, k, { types: true });
    assert.equal(found.wrongType?.path, 's');
    const clean = checkSchemaFields({ metadata: {}, s: 'x', extra: 1 }, k, { types: true });
    assert.deepEqual(clean, { unknown: ['extra'], wrongType: undefined });
  });

  void it('checks nothing but unknown fields without types (custom resources)', () => {
    const k = kindSchemaOf(registry, { group: 'example.com', version: 'v1', kind: 'Typed' })!;
    assert.deepEqual(checkSchemaFields({ metadata: {}, s: 1, n: Number.POSITIVE_INFINITY }, k, { types: false }), { unknown: [], wrongType: undefined });
  });

  void it('passes real workloads: a Deployment with probes, resources and int-or-string fields', () => {
    const k = kindSchemaOf(registry, { group: 'apps', version: 'v1', kind: 'Deployment' })!;
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, creationTimestamp: null },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'web',
                image: 'nginx',
                ports: [{ containerPort: 80, name: 'http' }],
                resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.1 } },
                readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
                livenessProbe: { tcpSocket: { port: 80 } },
              },
            ],
          },
        },
      },
      status: {},
    };
    assert.deepEqual(checkSchemaFields(deployment, k, { types: true }), { unknown: [], wrongType: undefined });
    const bad = structuredClone(deployment);
    (bad.spec.template.spec.containers[0]!.ports[0] as Record<string, unknown>)['containerPort'] = '80';
    assert.equal(checkSchemaFields(bad, k, { types: true }).wrongType?.path, 'spec.template.spec.containers[0].ports[0].containerPort');
  });
});
