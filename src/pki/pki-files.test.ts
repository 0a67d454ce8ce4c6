import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority } from './certificate-authority.ts';
import { ADMIN_GROUPS, ADMIN_USER, APISERVER_DNS_NAMES, ensureClusterPki } from './cluster-pki.ts';
import { subjectAttributes } from './certificate-check.ts';
import { ensureCertificateAuthority, ensureLeafCertificate, writePrivateFile } from './pki-files.ts';

const root = mkdtempSync(join(tmpdir(), 'k8ts-pki-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => join(root, `case-${++counter}`, 'pki');
const mode = (path: string): number => statSync(path).mode & 0o777;

describe('ensureClusterPki', () => {
  it('creates the CA, serving and admin certificates with private modes', async () => {
    const dir = freshDir();
    const pki = await ensureClusterPki(dir, { servingAddresses: ['127.10.7.1'] });
    assert.equal(mode(dir), 0o700);
    for (const file of ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'admin.crt', 'admin.key']) {
      assert.equal(mode(join(dir, file)), 0o600, file);
    }
    const ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
    const serving = new X509Certificate(readFileSync(join(dir, 'apiserver.crt')));
    assert.equal(serving.verify(ca.publicKey), true);
    for (const name of APISERVER_DNS_NAMES) assert.equal(serving.checkHost(name), name);
    assert.equal(serving.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(serving.checkIP('127.10.7.1'), '127.10.7.1');
    const admin = new X509Certificate(pki.admin.certPem);
    assert.equal(admin.verify(ca.publicKey), true);
    assert.deepEqual(subjectAttributes(admin).get('CN'), [ADMIN_USER]);
    assert.deepEqual(subjectAttributes(admin).get('O'), [...ADMIN_GROUPS]);
    assert.equal(pki.serving.issuedBecause, 'it does not exist');
  });

  it('reuses every file on a second start', async () => {
    const dir = freshDir();
    await ensureClusterPki(dir, { servingAddresses: ['127.10.7.1'] });
    const before = ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'admin.crt', 'admin.key'].map((f) => readFileSync(join(dir, f), 'utf8'));
    const again = await ensureClusterPki(dir, { servingAddresses: ['127.10.7.1'] });
    const afterwards = ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'admin.crt', 'admin.key'].map((f) => readFileSync(join(dir, f), 'utf8'));
    assert.deepEqual(afterwards, before);
    assert.equal(again.serving.issuedBecause, undefined);
    assert.equal(again.admin.issuedBecause, undefined);
  });

  it('reissues the serving certificate from the same CA when a new address is asked for', async () => {
    const dir = freshDir();
    const first = await ensureClusterPki(dir, { servingAddresses: ['127.10.7.1'] });
    const second = await ensureClusterPki(dir, { servingAddresses: ['127.10.8.1'] });
    assert.equal(second.ca.pem.certPem, first.ca.pem.certPem);
    assert.match(second.serving.issuedBecause ?? '', /does not name the address 127\.10\.8\.1/);
    assert.equal(second.admin.issuedBecause, undefined);
    assert.equal(new X509Certificate(second.serving.certPem).checkIP('127.10.8.1'), '127.10.8.1');
  });
});

describe('ensureCertificateAuthority', () => {
  it('refuses to replace a CA whose certificate is missing, naming the file', async () => {
    const dir = freshDir();
    await ensureCertificateAuthority(dir, 'ca', 'test-ca');
    unlinkSync(join(dir, 'ca.crt'));
    await assert.rejects(ensureCertificateAuthority(dir, 'ca', 'test-ca'), (err: Error) => err.message.includes(join(dir, 'ca.crt')) && /is missing/.test(err.message));
  });

  it('refuses a key that does not belong to the certificate, naming both files', async () => {
    const dir = freshDir();
    await ensureCertificateAuthority(dir, 'ca', 'test-ca');
    const other = await CertificateAuthority.create('other');
    writeFileSync(join(dir, 'ca.key'), other.pem.keyPem);
    await assert.rejects(ensureCertificateAuthority(dir, 'ca', 'test-ca'), /cannot load the CA from .*ca\.crt and .*ca\.key/);
  });
});

describe('ensureLeafCertificate', () => {
  const request = { commonName: 'alice', organizations: ['devs'], usages: ['client' as const] };

  it('reissues a certificate signed by another CA or whose key does not match', async () => {
    const dir = freshDir();
    const ca = await ensureCertificateAuthority(dir, 'ca', 'test-ca');
    const first = await ensureLeafCertificate(dir, 'alice', ca, request);
    const stranger = await (await CertificateAuthority.create('stranger')).issue(request);
    writeFileSync(join(dir, 'alice.crt'), stranger.certPem);
    writeFileSync(join(dir, 'alice.key'), stranger.keyPem);
    const second = await ensureLeafCertificate(dir, 'alice', ca, request);
    assert.equal(second.issuedBecause, 'it was not issued by the current CA');
    writeFileSync(join(dir, 'alice.key'), first.keyPem);
    const third = await ensureLeafCertificate(dir, 'alice', ca, request);
    assert.equal(third.issuedBecause, 'its key does not match it');
  });

  it('reissues a certificate whose groups changed', async () => {
    const dir = freshDir();
    const ca = await ensureCertificateAuthority(dir, 'ca', 'test-ca');
    await ensureLeafCertificate(dir, 'alice', ca, request);
    const changed = await ensureLeafCertificate(dir, 'alice', ca, { ...request, organizations: ['devs', 'ops'] });
    assert.match(changed.issuedBecause ?? '', /organizations/);
    assert.deepEqual(subjectAttributes(new X509Certificate(changed.certPem)).get('O'), ['devs', 'ops']);
  });
});

describe('writePrivateFile', () => {
  it('replaces a file atomically with mode 0600 and leaves no temporary file', async () => {
    const dir = join(root, 'write');
    mkdirSync(dir);
    const path = join(dir, 'f');
    writeFileSync(path, 'old', { mode: 0o644 });
    await writePrivateFile(path, 'new');
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.equal(mode(path), 0o600);
    assert.deepEqual(readdirSync(dir), ['f']);
  });
});
