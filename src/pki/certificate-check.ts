/**
 * Decides whether a certificate on disk still serves its purpose, using node:crypto's
 * X509Certificate (the same parser Node's TLS uses), so a reused certificate is one the
 * server and its clients will accept.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { LeafCertificateRequest } from './certificate-authority.ts';

/** A leaf is reissued when it would expire within this window. */
export const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

const EXTENDED_USAGE_OID = { server: '1.3.6.1.5.5.7.3.1', client: '1.3.6.1.5.5.7.3.2' } as const;

/** Undoes node's RFC 4514 escaping of a DN value: `\,` for a special character, `\0A` for a control one. */
function unescapeDnValue(value: string): string {
  return value.replace(/\\([0-9A-Fa-f]{2}|.)/g, (_, escaped: string) => (escaped.length === 2 ? String.fromCharCode(parseInt(escaped, 16)) : escaped));
}

/** The subject's attribute values by name (`CN`, `O`, ...), from node's one-per-line form. */
export function subjectAttributes(cert: X509Certificate): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const line of cert.subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    attributes.set(key, [...(attributes.get(key) ?? []), unescapeDnValue(line.slice(eq + 1))]);
  }
  return attributes;
}

/**
 * Why the pair `certPem`/`keyPem` cannot be reused for `request` under the CA `caPem`, or
 * undefined when it can: the key must belong to the certificate, which must be signed by the CA,
 * valid now and for RENEW_BEFORE_MS more, and carry exactly the requested subject and usages and
 * at least the requested names.
 */
export function reasonToReissue(certPem: string, keyPem: string, caPem: string, request: LeafCertificateRequest, now = Date.now()): string | undefined {
  let cert: X509Certificate;
  let ca: X509Certificate;
  let publicKeyOfKey: Buffer;
  try {
    cert = new X509Certificate(certPem);
    ca = new X509Certificate(caPem);
    publicKeyOfKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  } catch (err) {
    return `it cannot be parsed (${err instanceof Error ? err.message : String(err)})`;
  }
  if (!publicKeyOfKey.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))) return 'its key does not match it';
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'it was not issued by the current CA';
  if (Date.parse(cert.validFrom) > now) return 'it is not valid yet';
  if (Date.parse(cert.validTo) - now < RENEW_BEFORE_MS) return `it expires on ${cert.validTo}`;
  const subject = subjectAttributes(cert);
  if ((subject.get('CN') ?? []).join() !== request.commonName) return `its common name is not "${request.commonName}"`;
  const wantOrgs = [...(request.organizations ?? [])].sort().join();
  if ([...(subject.get('O') ?? [])].sort().join() !== wantOrgs) return `its organizations are not [${wantOrgs}]`;
  const usages = new Set(cert.keyUsage ?? []);
  for (const usage of request.usages) {
    if (!usages.has(EXTENDED_USAGE_OID[usage])) return `it is not valid for ${usage} authentication`;
  }
  for (const name of request.dnsNames ?? []) {
    if (cert.checkHost(name, { subject: 'never', wildcards: false }) === undefined) return `it does not name the host "${name}"`;
  }
  for (const ip of request.ipAddresses ?? []) {
    if (cert.checkIP(ip) === undefined) return `it does not name the address ${ip}`;
  }
  return undefined;
}
