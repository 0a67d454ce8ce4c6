import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelectorParseError, parseSelector } from './parse.ts';
import { labelsMatch, selectorString } from './requirement.ts';

function matches(selector: string, labels: Record<string, string>): boolean {
  return labelsMatch(parseSelector(selector), labels);
}

void test('equality, inequality, existence and sets parse and match', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' };
  assert.ok(matches('app=web', labels));
  assert.ok(matches('app==web', labels));
  assert.ok(!matches('app!=web', labels));
  assert.ok(matches('app!=db', labels));
  assert.ok(matches('missing!=x', labels));
  assert.ok(matches('tier in (front,back)', labels));
  assert.ok(!matches('tier notin (front)', labels));
  assert.ok(matches('missing notin (front)', labels));
  assert.ok(matches('env', labels));
  assert.ok(matches('!missing', labels));
  assert.ok(!matches('!env', labels));
  assert.ok(matches('app=web,tier in (front),!missing', labels));
  assert.ok(!matches('app=web,tier=back', labels));
});

void test('the empty selector matches everything, including objects without labels', () => {
  assert.deepEqual(parseSelector(''), []);
  assert.ok(labelsMatch(parseSelector('  '), undefined));
});

void test('whitespace between tokens is ignored', () => {
  assert.deepEqual(parseSelector(' app = web ,  tier  in ( a , b ) '), parseSelector('app=web,tier in (a,b)'));
});

void test('in/notin are values inside a set, and empty values are allowed', () => {
  assert.ok(matches('x in (in,notin)', { x: 'notin' }));
  assert.ok(matches('x=', { x: '' }));
  assert.ok(matches('x in (a,)', { x: '' }));
});

void test('an empty set is the set of the empty value, as upstream reads `()` (`z notin ()` is its own example)', () => {
  // Only a structured LabelSelector can have no values at all; the string syntax cannot.
  assert.deepEqual(parseSelector('a in ()'), [{ key: 'a', operator: 'in', values: [''] }]);
  assert.ok(matches('a in ()', { a: '' }));
  assert.ok(!matches('a in ()', { a: 'x' }));
  assert.ok(matches('x in (foo,,baz),y,z notin ()', { x: 'baz', y: 'any', z: 'set' }));
});

void test('numeric comparisons', () => {
  assert.ok(matches('n>3', { n: '4' }));
  assert.ok(!matches('n>3', { n: '3' }));
  assert.ok(matches('n<3', { n: '-1' }));
  assert.ok(!matches('n<3', { n: 'x' }));
});

void test('selectors print canonically with keys sorted and set values sorted', () => {
  assert.equal(selectorString(parseSelector('tier in (b,a),app=web,!old')), 'app=web,!old,tier in (a,b)');
});

void test('syntax errors carry upstream messages', () => {
  const cases: Array<[string, string]> = [
    ['a,', "found '', expected: identifier after ','"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['a>x', "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseSelector(input), (err: unknown) => err instanceof SelectorParseError && err.message === message, input);
  }
});

void test('keys and values are validated', () => {
  assert.throws(() => parseSelector('-bad=x'), /unable to parse requirement: key: Invalid value: "-bad": name part must consist/);
  assert.throws(() => parseSelector('a=-x'), /unable to parse requirement: values\[0\]\[a\]: Invalid value: "-x": a valid label must be/);
  assert.throws(() => parseSelector(`a=${'x'.repeat(64)}`), /must be no more than 63 characters/);
});
