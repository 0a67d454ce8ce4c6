import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { mergeIntoUserKubeconfig, removeFromUserKubeconfig, userKubeconfigPath } from './user-kubeconfig.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-user-kubeconfig-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = (): string => {
  const dir = join(root, `case-${++counter}`);
  mkdirSync(dir);
  return dir;
};
const entry = { name: 'k8ts-dev', server: 'https://127.10.1.1:6443', caPem: 'ca', certPem: 'cert', keyPem: 'key' };

describe('userKubeconfigPath', () => {
  it("uses $KUBECONFIG's first non-empty entry, else ~/.kube/config", () => {
    assert.equal(userKubeconfigPath({ KUBECONFIG: `${delimiter}/a/config${delimiter}/b/config`, HOME: '/home/u' }), '/a/config');
    assert.equal(userKubeconfigPath({ HOME: '/home/u' }), '/home/u/.kube/config');
    assert.equal(userKubeconfigPath({ KUBECONFIG: '', HOME: '/home/u' }), '/home/u/.kube/config');
  });
});

describe('mergeIntoUserKubeconfig', () => {
  it('creates a missing file (and directory) private to the user', async () => {
    const path = join(fresh(), '.kube', 'config');
    assert.equal(await mergeIntoUserKubeconfig(entry, path), path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const doc = parse(readFileSync(path, 'utf8')) as { 'current-context': string };
    assert.equal(doc['current-context'], 'k8ts-dev');
  });

  it('updates the target of a symlinked kubeconfig, keeping the link', async () => {
    const dir = fresh();
    const real = join(dir, 'real-config');
    const link = join(dir, 'config');
    writeFileSync(real, 'apiVersion: v1\nkind: Config\ncurrent-context: other\n');
    symlinkSync(real, link);
    assert.equal(await mergeIntoUserKubeconfig(entry, link), real);
    assert.equal(lstatSync(link).isSymbolicLink(), true);
    assert.match(readFileSync(real, 'utf8'), /current-context: k8ts-dev/);
  });

  it('names the file and the way out when the file is not a kubeconfig, leaving it untouched', async () => {
    const path = join(fresh(), 'config');
    writeFileSync(path, '- not\n- a map\n');
    await assert.rejects(mergeIntoUserKubeconfig(entry, path), (err: Error) => err.message.includes(path) && err.message.includes('--no-merge-kubeconfig'));
    assert.equal(readFileSync(path, 'utf8'), '- not\n- a map\n');
  });
});

describe('removeFromUserKubeconfig', () => {
  it('removes the entries and reports the file, or undefined when there was nothing', async () => {
    const path = join(fresh(), 'config');
    await mergeIntoUserKubeconfig(entry, path);
    assert.equal(await removeFromUserKubeconfig('k8ts-dev', path), path);
    assert.doesNotMatch(readFileSync(path, 'utf8'), /k8ts-dev/);
    assert.equal(await removeFromUserKubeconfig('k8ts-dev', path), undefined);
    assert.equal(await removeFromUserKubeconfig('k8ts-dev', join(root, 'no-such-file')), undefined);
  });
});
