import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonMergePatch } from './json-merge-patch.ts';

void describe('jsonMergePatch (RFC 7386)', () => {
  const cases: [string, unknown, unknown, unknown][] = [
    ['replaces a member', { a: 'b' }, { a: 'c' }, { a: 'c' }],
    ['adds a member', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    ['null removes a member', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    ['replaces an array whole', { a: [{ b: 'c' }, 2] }, { a: [1] }, { a: [1] }],
    ['merges nested objects', { a: { b: 'c', d: 'e' } }, { a: { d: null, f: 'g' } }, { a: { b: 'c', f: 'g' } }],
    ['a non-object target becomes an object', { a: 'x' }, { a: { b: null, c: 1 } }, { a: { c: 1 } }],
    ['an array patch replaces the document', { a: 1 }, ['x'], ['x']],
    ['a scalar patch replaces the document', { a: 1 }, 'text', 'text'],
    ['nulls inside arrays are kept', {}, { a: [null, { b: null }] }, { a: [null, { b: null }] }],
    ['an empty patch changes nothing', { a: { b: 1 } }, {}, { a: { b: 1 } }],
  ];
  for (const [name, target, patch, expected] of cases) {
    void it(name, () => assert.deepEqual(jsonMergePatch(target, patch), expected));
  }

  void it('leaves its arguments untouched and shares no structure with them', () => {
    const target = { a: { b: 1 }, list: [1] };
    const patch = { a: { c: { d: 2 } } };
    const out = jsonMergePatch(target, patch) as any;
    assert.deepEqual(target, { a: { b: 1 }, list: [1] });
    out.a.c.d = 99;
    out.list.push(2);
    assert.equal(patch.a.c.d, 2);
    assert.deepEqual(target.list, [1]);
  });

  void it('sets __proto__ as an own key without touching prototypes', () => {
    const out = jsonMergePatch({}, JSON.parse('{"__proto__":{"x":1}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { x: 1 });
  });
});
