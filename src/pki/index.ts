/**
 * pki: certificate authorities, certificates and kubeconfigs for k8ts clusters.
 *
 * Everything is generated in-process (WebCrypto, ECDSA P-256); nothing shells out to openssl.
 */
export { CA_VALID_DAYS, CertificateAuthority, LEAF_VALID_DAYS } from './certificate-authority.ts';
export type { CertificateAndKey, CertificateUsage, LeafCertificateRequest } from './certificate-authority.ts';
export { reasonToReissue, RENEW_BEFORE_MS, subjectAttributes } from './certificate-check.ts';
export { ADMIN_GROUPS, ADMIN_USER, APISERVER_DNS_NAMES, APISERVER_IP_ADDRESSES, ensureClientCertificate, ensureClusterPki } from './cluster-pki.ts';
export type { ClusterPki, ClusterPkiOptions } from './cluster-pki.ts';
export { ensureServiceAccountKey, writeServiceAccountKey } from './service-account-key.ts';
export type { ServiceAccountKey } from './service-account-key.ts';
export {
  ensureKubeletClientCertificate,
  ensureKubeletServingCertificate,
  ensureNodeClientCertificate,
  KUBELET_CLIENT_BASE,
  KUBELET_CLIENT_GROUPS,
  KUBELET_CLIENT_USER,
} from './kubelet-pki.ts';
export type { NodeIdentity } from './kubelet-pki.ts';
export { buildKubeconfig, mergeKubeconfig, removeFromKubeconfig } from './kubeconfig.ts';
export type { KubeconfigEntry } from './kubeconfig.ts';
export { decodeFirstPem, decodePem, encodePem } from './pem.ts';
export type { PemBlock } from './pem.ts';
export { certificatePaths, ensureCertificateAuthority, ensureLeafCertificate, ensurePrivateDir, writePrivateFile } from './pki-files.ts';
export type { EnsuredCertificate } from './pki-files.ts';
