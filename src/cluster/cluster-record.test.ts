import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerUrl, readClusterRecord, writeClusterRecord, type ClusterRecord } from './cluster-record.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-record-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
const record: ClusterRecord = { name: 'dev', topology: 'single', index: 4, apiServer: { address: '127.10.4.1', port: 6443 }, createdAt: '2026-01-01T00:00:00.000Z' };

describe('cluster.json', () => {
  it('round-trips, private to the user', async () => {
    const dir = join(root, 'dev');
    mkdirSync(dir);
    await writeClusterRecord(dir, record);
    assert.deepEqual(await readClusterRecord(dir), record);
    assert.equal(statSync(join(dir, 'cluster.json')).mode & 0o777, 0o600);
    assert.equal(apiServerUrl(record), 'https://127.10.4.1:6443');
  });

  it('is undefined for a directory without one', async () => {
    assert.equal(await readClusterRecord(join(root, 'nothing-here')), undefined);
  });

  it('names the file and the fix when it is damaged', async () => {
    const dir = join(root, 'damaged');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cluster.json'), '{"name": "dev", ');
    await assert.rejects(readClusterRecord(dir), /damaged\/cluster\.json is not valid JSON .*k8ts down --delete/);
    writeFileSync(join(dir, 'cluster.json'), '{"name": "dev"}');
    await assert.rejects(readClusterRecord(dir), /damaged\/cluster\.json is not a k8ts cluster record/);
  });
});
