/**
 * Certificates on disk: "ensure" helpers that create a CA or a leaf certificate on first start
 * and reuse it afterwards, so a restarted cluster keeps its identity and its clients keep working.
 *
 * Layout inside a PKI directory: `<base>.crt` (certificate) and `<base>.key` (PKCS#8 key). The
 * directory is 0700 and every file 0600: private keys sit beside certificates, and nothing here
 * is meant for other users.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CertificateAuthority, type CertificateAndKey, type LeafCertificateRequest } from './certificate-authority.ts';
import { reasonToReissue } from './certificate-check.ts';

/** Creates `dir` (and missing parents) and makes sure it is private to the owner. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/**
 * Writes `data` to `path` with mode 0600, atomically: a reader (or a crash) never sees half a
 * file, because the content goes to a temporary file in the same directory that is then renamed.
 */
export async function writePrivateFile(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Paths of the certificate and key called `base` in `dir`. */
export function certificatePaths(dir: string, base: string): { readonly certFile: string; readonly keyFile: string } {
  return { certFile: join(dir, `${base}.crt`), keyFile: join(dir, `${base}.key`) };
}

/**
 * Loads the CA `<base>.crt`/`<base>.key` from `dir`, creating it when neither file exists.
 * @throws Error naming the files when only one of them exists or they do not match: a CA is
 *   never silently replaced, since that would invalidate every certificate it issued
 */
export async function ensureCertificateAuthority(dir: string, base: string, commonName: string): Promise<CertificateAuthority> {
  const { certFile, keyFile } = certificatePaths(dir, base);
  await ensurePrivateDir(dir);
  const [certPem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  if (certPem !== undefined && keyPem !== undefined) {
    try {
      return await CertificateAuthority.load({ certPem, keyPem });
    } catch (err) {
      throw new Error(`cannot load the CA from ${certFile} and ${keyFile}: ${err instanceof Error ? err.message : String(err)}; restore both files or remove the cluster's data directory to start over`, {
        cause: err,
      });
    }
  }
  if (certPem !== undefined || keyPem !== undefined) {
    const missing = certPem === undefined ? certFile : keyFile;
    throw new Error(`${missing} is missing while its pair exists; restore it or remove the cluster's data directory to start over`);
  }
  const ca = await CertificateAuthority.create(commonName);
  // The key first: a crash between the writes then leaves a key without a certificate, which the
  // check above reports instead of silently pairing a new key with an old certificate.
  await writePrivateFile(keyFile, ca.pem.keyPem);
  await writePrivateFile(certFile, ca.pem.certPem);
  return ca;
}

/** A leaf certificate that `ensureLeafCertificate` found or made. */
export interface EnsuredCertificate extends CertificateAndKey {
  readonly certFile: string;
  readonly keyFile: string;
  /** Why it was (re)issued; undefined when the files on disk were reused. */
  readonly issuedBecause?: string;
}

/**
 * Reuses `<base>.crt`/`<base>.key` in `dir` when they still fit `request` (see
 * `reasonToReissue`), otherwise issues a new pair from `ca` and writes it.
 */
export async function ensureLeafCertificate(dir: string, base: string, ca: CertificateAuthority, request: LeafCertificateRequest): Promise<EnsuredCertificate> {
  const { certFile, keyFile } = certificatePaths(dir, base);
  await ensurePrivateDir(dir);
  const [certPem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  const reason = certPem === undefined || keyPem === undefined ? 'it does not exist' : reasonToReissue(certPem, keyPem, ca.pem.certPem, request);
  if (reason === undefined && certPem !== undefined && keyPem !== undefined) return { certPem, keyPem, certFile, keyFile };
  const issued = await ca.issue(request);
  await writePrivateFile(keyFile, issued.keyPem);
  await writePrivateFile(certFile, issued.certPem);
  return { ...issued, certFile, keyFile, issuedBecause: reason };
}
