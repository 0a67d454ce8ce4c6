import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, ipv4RangeContains, parseIpv4, parseIpv4Cidr } from './ipv4-range.ts';

void test('parses and formats dotted quads', () => {
  assert.equal(parseIpv4('127.11.1.5'), 127 * 2 ** 24 + 11 * 2 ** 16 + 1 * 256 + 5);
  assert.equal(formatIpv4(parseIpv4('255.255.255.255')!), '255.255.255.255');
  for (const bad of ['1.2.3', '1.2.3.256', '01.2.3.4', 'a.b.c.d', '1.2.3.4.5', '']) assert.equal(parseIpv4(bad), undefined, bad);
});

void test('a CIDR gives its network and broadcast addresses, host bits masked', () => {
  const r = parseIpv4Cidr('127.11.1.77/24');
  assert.equal(r.cidr, '127.11.1.0/24');
  assert.equal(formatIpv4(r.first), '127.11.1.0');
  assert.equal(formatIpv4(r.last), '127.11.1.255');
  assert.ok(ipv4RangeContains(r, parseIpv4('127.11.1.200')!));
  assert.ok(!ipv4RangeContains(r, parseIpv4('127.11.2.0')!));
  assert.equal(parseIpv4Cidr('0.0.0.0/0').last, 2 ** 32 - 1);
  assert.throws(() => parseIpv4Cidr('127.11.1.0'), /prefix length/);
  assert.throws(() => parseIpv4Cidr('127.11.1.0/33'), /0-32/);
  assert.throws(() => parseIpv4Cidr('x/24'), /not an IPv4 address/);
});
