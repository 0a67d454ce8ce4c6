import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isIP,
  isIPv4,
  isIPv6,
  isLabelValue,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  maskTrailingDash,
  nameIsDNSSubdomain,
} from './names.ts';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

void test('isDNS1123Subdomain accepts dotted lowercase names up to 253 characters', () => {
  for (const ok of ['a', 'web', 'my-app.example.com', '0abc', 'a'.repeat(253)]) assert.deepEqual(isDNS1123Subdomain(ok), [], ok);
});

void test('isDNS1123Subdomain rejects bad characters, edges and length with upstream messages', () => {
  for (const bad of ['Bad_Name', '-x', 'x-', 'UPPER', 'a..b', '']) assert.deepEqual(isDNS1123Subdomain(bad), [SUBDOMAIN_MSG], bad);
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
});

void test('isDNS1123Label rejects dots with a specific message and caps length at 63', () => {
  assert.deepEqual(isDNS1123Label('my-ns'), []);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('Bad'), [LABEL_MSG]);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isDNS1123Label('a'.repeat(63)), []);
});

void test('isDNS1035Label requires a leading letter', () => {
  assert.deepEqual(isDNS1035Label('web-1'), []);
  assert.deepEqual(isDNS1035Label('1web'), [DNS1035_MSG]);
});

void test('isQualifiedName checks the optional prefix and the name part', () => {
  assert.deepEqual(isQualifiedName('app'), []);
  assert.deepEqual(isQualifiedName('example.com/My_Name.x'), []);
  assert.deepEqual(isQualifiedName('-bad'), [`name part ${QNAME_RULE}`]);
  assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('x/'), ['name part must be non-empty', `name part ${QNAME_RULE}`]);
  assert.deepEqual(isQualifiedName(`${'a'.repeat(254)}/x`), ['prefix part must be no more than 253 characters']);
  assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  assert.equal(isQualifiedName('a/b/c').length, 1);
  assert.match(isQualifiedName('a/b/c')[0]!, /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
});

void test('isLabelValue allows empty values and caps at 63 characters', () => {
  assert.deepEqual(isLabelValue(''), []);
  assert.deepEqual(isLabelValue('v1.2_x-y'), []);
  assert.deepEqual(isLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.equal(isLabelValue('bad value').length, 1);
  assert.match(isLabelValue('-x')[0]!, /^a valid label must be an empty string or consist of/);
});

void test('isConfigMapKey allows dots, dashes and underscores but not path tricks', () => {
  assert.deepEqual(isConfigMapKey('app.properties'), []);
  assert.deepEqual(isConfigMapKey('KEY_NAME-1'), []);
  assert.deepEqual(isConfigMapKey('..data'), ["must not start with '..'"]);
  assert.deepEqual(isConfigMapKey('.'), ["must not be '.'"]);
  assert.equal(isConfigMapKey('a/b').length, 1);
});

void test('isValidPortName follows the IANA service name rules', () => {
  assert.deepEqual(isValidPortName('http'), []);
  assert.deepEqual(isValidPortName('123'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
  assert.deepEqual(isValidPortName('a-very-long-port-name'), ['must be no more than 15 characters']);
});

void test('isEnvVarName accepts printable ASCII except =', () => {
  assert.deepEqual(isEnvVarName('MY_VAR.1'), []);
  assert.equal(isEnvVarName('A=B').length, 1);
  assert.deepEqual(isEnvVarName(''), ['environment variable name must be non-empty']);
});

void test('IP address checks', () => {
  assert.ok(isIPv4('10.0.0.1'));
  assert.ok(!isIPv4('10.0.0.256'));
  assert.ok(!isIPv4('010.0.0.1'));
  assert.ok(isIPv6('::1'));
  assert.ok(isIPv6('2001:db8::ffff'));
  assert.ok(isIPv6('::ffff:10.0.0.1'));
  assert.ok(!isIPv6('1::2::3'));
  assert.ok(!isIPv6('12345::'));
  assert.ok(!isIP('localhost'));
});

void test('generateName prefixes may end in a dash', () => {
  assert.equal(maskTrailingDash('web-'), 'wea');
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
});

void test('every check takes a value that is not a string without throwing', () => {
  const checks = [isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isLabelValue, isConfigMapKey, isValidPortName, isEnvVarName];
  for (const check of checks) {
    for (const value of [5, null, undefined, ['a', 'b'], { a: 1 }, true]) assert.deepEqual(check(value), ['must be a string'], `${check.name}(${JSON.stringify(value)})`);
  }
  for (const value of [5, ['a', 'b'], null]) {
    assert.deepEqual(nameIsDNSSubdomain(value, true), ['must be a string']);
    assert.equal(isIP(value), false);
  }
  for (const value of ['80', ['a', 'b'], null]) assert.deepEqual(isValidPortNum(value), ['must be between 1 and 65535, inclusive']);
});
