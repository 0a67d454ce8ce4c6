/**
 * A certificate authority and the leaf certificates it issues, generated and signed through
 * Node's WebCrypto with @peculiar/x509.
 *
 * Keys are ECDSA P-256: quick to generate, and accepted by Node's TLS, Go's crypto/tls (kubectl,
 * etcd) and the official client libraries. Private keys are stored as PKCS#8 (`PRIVATE KEY`).
 */
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type * as X509 from '@peculiar/x509';
import { decodeFirstPem, encodePem } from './pem.ts';

let x509Module: Promise<typeof X509> | undefined;

/**
 * @peculiar/x509 and its ASN.1 stack take a good second to load, and most k8ts commands never
 * sign anything, so the library is loaded on first use.
 */
function loadX509(): Promise<typeof X509> {
  x509Module ??= (async () => {
    // The library resolves its ASN.1 serializers through tsyringe, which needs the Reflect
    // metadata API loaded first.
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return x509Module;
}

type CryptoKey = webcrypto.CryptoKey;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start a little in the past so that a verifier whose clock lags still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;

/** A CA lives ten years, leaf certificates one. */
export const CA_VALID_DAYS = 3650;
export const LEAF_VALID_DAYS = 365;

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  readonly certPem: string;
  readonly keyPem: string;
}

/** What a leaf certificate may be used for (its extended key usages). */
export type CertificateUsage = 'server' | 'client';

export interface LeafCertificateRequest {
  /** Subject CN; for client certificates the user name Kubernetes sees. */
  readonly commonName: string;
  /** Subject O values; for client certificates the user's groups. */
  readonly organizations?: readonly string[];
  readonly usages: readonly CertificateUsage[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Default LEAF_VALID_DAYS. */
  readonly validDays?: number;
}

/** A CA able to issue leaf certificates. */
export class CertificateAuthority {
  /** The CA certificate and key (the key is what `ensure` helpers persist). */
  readonly pem: CertificateAndKey;
  readonly #cert: X509.X509Certificate;
  readonly #key: CryptoKey;

  private constructor(pem: CertificateAndKey, cert: X509.X509Certificate, key: CryptoKey) {
    this.pem = pem;
    this.#cert = cert;
    this.#key = key;
  }

  /** Generates a new self-signed CA with a fresh key. */
  static async create(commonName: string, validDays = CA_VALID_DAYS): Promise<CertificateAuthority> {
    const x509 = await loadX509();
    const keys = await generateKeyPair();
    const notBefore = new Date(Date.now() - BACKDATE_MS);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: subjectName(x509, commonName, []),
      notBefore,
      notAfter: new Date(notBefore.getTime() + validDays * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const pem = { certPem: cert.toString('pem') + '\n', keyPem: await exportPrivateKey(keys.privateKey) };
    return new CertificateAuthority(pem, cert, keys.privateKey);
  }

  /**
   * Loads a CA saved earlier.
   * @throws Error when the key is not an ECDSA P-256 PKCS#8 key or does not match the certificate
   */
  static async load(pem: CertificateAndKey): Promise<CertificateAuthority> {
    const x509 = await loadX509();
    const cert = new x509.X509Certificate(pem.certPem);
    const der = decodeFirstPem(pem.keyPem, 'PRIVATE KEY', 'the CA key');
    const key = await webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign']);
    // Sign a probe with the key and verify it with the certificate: a key from another CA fails here.
    const probe = new Uint8Array([1, 2, 3]);
    const signature = await webcrypto.subtle.sign(SIGNING_ALGORITHM, key, probe);
    const publicKey = await cert.publicKey.export(KEY_ALGORITHM, ['verify']);
    if (!(await webcrypto.subtle.verify(SIGNING_ALGORITHM, publicKey, signature, probe))) {
      throw new Error('the CA key does not belong to the CA certificate');
    }
    return new CertificateAuthority(pem, cert, key);
  }

  /** Issues a leaf certificate, with a fresh key, signed by this CA. */
  async issue(req: LeafCertificateRequest): Promise<CertificateAndKey> {
    const x509 = await loadX509();
    const keys = await generateKeyPair();
    const notBefore = new Date(Date.now() - BACKDATE_MS);
    const extendedUsages = req.usages.map((u) => (u === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth));
    const extensions: X509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      // ECDSA keys sign (the TLS handshake); they never encipher keys, so digitalSignature only.
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(extendedUsages),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(this.#cert),
    ];
    const altNames: X509.JsonGeneralName[] = [
      ...(req.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(req.ipAddresses ?? []).map((value) => {
        if (isIP(value) === 0) throw new Error(`"${value}" is not an IP address`);
        return { type: 'ip' as const, value };
      }),
    ];
    if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: subjectName(x509, req.commonName, req.organizations ?? []),
      issuer: this.#cert.subjectName,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (req.validDays ?? LEAF_VALID_DAYS) * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: this.#key,
      extensions,
    });
    return { certPem: cert.toString('pem') + '\n', keyPem: await exportPrivateKey(keys.privateKey) };
  }
}

function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

/**
 * O before CN, the order Kubernetes' own tooling writes. Values go in as explicit UTF8Strings, so
 * none is parsed as DN syntax (a leading `#` would otherwise be read as hex).
 */
function subjectName(x509: typeof X509, commonName: string, organizations: readonly string[]): X509.Name {
  return new x509.Name([...organizations.map((o) => ({ O: [{ utf8String: o }] })), { CN: [{ utf8String: commonName }] }]);
}

async function exportPrivateKey(key: CryptoKey): Promise<string> {
  return encodePem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A positive 16-byte serial number (top bit cleared so DER does not read it as negative). */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
