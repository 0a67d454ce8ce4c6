/**
 * The key pair that signs service account tokens (`sa.key`, `sa.pub` in the PKI directory, as
 * kubeadm names them): created on first use and reused after, so tokens stay valid across
 * restarts, and shared by every apiserver that is given the same PKI directory.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from './pki-files.ts';

export interface ServiceAccountKey {
  /** PKCS#8 PEM of the ECDSA P-256 signing key. */
  readonly privateKeyPem: string;
  /** SPKI PEM of the verification key. */
  readonly publicKeyPem: string;
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reads `sa.key`/`sa.pub` from `pkiDir`, creating them when either is missing. */
export async function ensureServiceAccountKey(pkiDir: string): Promise<ServiceAccountKey> {
  const keyPath = join(pkiDir, 'sa.key');
  const pubPath = join(pkiDir, 'sa.pub');
  const [privateKeyPem, publicKeyPem] = await Promise.all([readIfPresent(keyPath), readIfPresent(pubPath)]);
  if (privateKeyPem !== undefined && publicKeyPem !== undefined) return { privateKeyPem, publicKeyPem };
  const pair = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
  await writeServiceAccountKey(pkiDir, key);
  return key;
}

/** Writes `key` as `sa.key`/`sa.pub` in `pkiDir` (a copy of the cluster's key for one apiserver). */
export async function writeServiceAccountKey(pkiDir: string, key: ServiceAccountKey): Promise<void> {
  await writePrivateFile(join(pkiDir, 'sa.key'), key.privateKeyPem);
  await writePrivateFile(join(pkiDir, 'sa.pub'), key.publicKeyPem);
}
