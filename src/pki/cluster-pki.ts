/**
 * The certificates of a k8ts cluster, in one PKI directory:
 *
 *   ca.crt/ca.key                the cluster CA: signs every other certificate here, and the
 *                                apiserver trusts client certificates it signed
 *   apiserver.crt/apiserver.key  the apiserver's serving certificate
 *   admin.crt/admin.key          the administrator's client certificate
 *                                (CN=kubernetes-admin, O=system:masters: all rights)
 *   sa.key/sa.pub                the key pair signing service account tokens
 *
 * Kubernetes reads a client certificate's CN as the user name and its O values as the groups.
 */
import type { CertificateAuthority } from './certificate-authority.ts';
import { ensureCertificateAuthority, ensureLeafCertificate, type EnsuredCertificate } from './pki-files.ts';
import { ensureServiceAccountKey, type ServiceAccountKey } from './service-account-key.ts';

export const ADMIN_USER = 'kubernetes-admin';
export const ADMIN_GROUPS: readonly string[] = ['system:masters'];

/**
 * Names every apiserver certificate carries: `localhost`, and the names pods use for the
 * in-cluster `kubernetes` Service in namespace `default`.
 */
export const APISERVER_DNS_NAMES: readonly string[] = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
/** Addresses every apiserver certificate carries besides the ones it listens on. */
export const APISERVER_IP_ADDRESSES: readonly string[] = ['127.0.0.1'];

export interface ClusterPkiOptions {
  /** Every address the apiserver listens on (or is reached at, e.g. through a load balancer). */
  readonly servingAddresses: readonly string[];
  /** More DNS names for the serving certificate. */
  readonly extraDnsNames?: readonly string[];
}

export interface ClusterPki {
  readonly ca: CertificateAuthority;
  readonly serving: EnsuredCertificate;
  readonly admin: EnsuredCertificate;
  /** Signs and verifies service account tokens. */
  readonly serviceAccountKey: ServiceAccountKey;
}

/**
 * Creates the cluster's CA, serving and admin certificates on first use and reuses them after.
 * The serving certificate is reissued (from the same CA) when it lacks an address or name asked
 * for here, so moving a cluster to another address keeps its clients' trust.
 */
export async function ensureClusterPki(pkiDir: string, opts: ClusterPkiOptions): Promise<ClusterPki> {
  const ca = await ensureCertificateAuthority(pkiDir, 'ca', 'k8ts-ca');
  const serving = await ensureLeafCertificate(pkiDir, 'apiserver', ca, {
    commonName: 'kube-apiserver',
    usages: ['server'],
    dnsNames: unique([...APISERVER_DNS_NAMES, ...(opts.extraDnsNames ?? [])]),
    ipAddresses: unique([...APISERVER_IP_ADDRESSES, ...opts.servingAddresses]),
  });
  const admin = await ensureClientCertificate(pkiDir, 'admin', ca, ADMIN_USER, ADMIN_GROUPS);
  const serviceAccountKey = await ensureServiceAccountKey(pkiDir);
  return { ca, serving, admin, serviceAccountKey };
}

/** A client certificate for `user` in `groups`, as `<base>.crt`/`<base>.key` in `pkiDir`. */
export function ensureClientCertificate(
  pkiDir: string,
  base: string,
  ca: CertificateAuthority,
  user: string,
  groups: readonly string[],
): Promise<EnsuredCertificate> {
  return ensureLeafCertificate(pkiDir, base, ca, { commonName: user, organizations: groups, usages: ['client'] });
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
