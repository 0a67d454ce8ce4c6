import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBoolean, parseClusterName, parseCount, parseDirectory, parseDuration, parseIpAddress, parsePort, parseReadableFile, parseSeconds } from './flags.ts';
import { UsageError } from './usage-error.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-flags-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Asserts a UsageError whose message matches `pattern`. */
function usageError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof UsageError && pattern.test(err.message));
}

describe('flag parsing', () => {
  it('--port takes integers 1-65535 only', () => {
    assert.equal(parsePort('6443'), 6443);
    assert.equal(parsePort('1'), 1);
    assert.equal(parsePort('65535'), 65535);
    for (const bad of ['abc', '0', '65536', '-1', '1.5', '', ' 80', '0x50']) {
      assert.throws(() => parsePort(bad), { name: 'UsageError', message: `--port must be an integer 1-65535, got ${JSON.stringify(bad)}` });
    }
  });

  it('--name takes DNS-1123 labels, naming the flag', () => {
    assert.equal(parseClusterName('dev'), 'dev');
    usageError(() => parseClusterName('Dev'), /^--name must be a DNS-1123 label .*got "Dev"$/);
  });

  it('--bind-address takes IP addresses, not host names', () => {
    assert.equal(parseIpAddress('127.10.1.1', '--bind-address'), '127.10.1.1');
    assert.equal(parseIpAddress('::1', '--bind-address'), '::1');
    usageError(() => parseIpAddress('localhost', '--bind-address'), /^--bind-address must be an IP address/);
  });

  it('--token-file must be a readable file', () => {
    const file = join(root, 'tokens.csv');
    writeFileSync(file, 't,u,1\n');
    assert.equal(parseReadableFile(file, '--token-file'), file);
    usageError(() => parseReadableFile(join(root, 'missing.csv'), '--token-file'), /^--token-file: cannot read .*missing\.csv \(no such file\)/);
    usageError(() => parseReadableFile(root, '--token-file'), /^--token-file must name a file/);
  });

  it('--data-dir may be missing but must not be a file', () => {
    assert.equal(parseDirectory(join(root, 'new'), '--data-dir'), join(root, 'new'));
    const file = join(root, 'plain');
    writeFileSync(file, '');
    usageError(() => parseDirectory(file, '--data-dir'), /^--data-dir must name a directory/);
    usageError(() => parseDirectory('', '--data-dir'), /^--data-dir must be a directory path/);
  });

  it('--timeout takes positive seconds', () => {
    assert.equal(parseSeconds('1.5', '--timeout'), 1500);
    usageError(() => parseSeconds('0', '--timeout'), /^--timeout must be a positive number of seconds, got "0"$/);
  });

  it('durations take Go notation; counts and booleans are strict', () => {
    assert.equal(parseDuration('10s', '--x'), 10_000);
    assert.equal(parseDuration('1m30s', '--x'), 90_000);
    assert.equal(parseDuration('500ms', '--x'), 500);
    assert.equal(parseDuration('1.5h', '--x'), 5_400_000);
    for (const bad of ['10', 's', '10 s', '-1s', '1d', '']) usageError(() => parseDuration(bad, '--node-monitor-grace-period'), /^--node-monitor-grace-period must be a duration such as 10s/);
    assert.equal(parseCount('5', '--n'), 5);
    usageError(() => parseCount('-1', '--concurrent-job-syncs'), /^--concurrent-job-syncs must be a non-negative integer, got "-1"$/);
    assert.equal(parseBoolean('false', '--leader-elect'), false);
    usageError(() => parseBoolean('yes', '--leader-elect'), /^--leader-elect must be true or false, got "yes"$/);
  });
});
