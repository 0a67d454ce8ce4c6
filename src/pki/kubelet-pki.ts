/**
 * Certificates for the apiserver ↔ kubelet connection, kept in a cluster PKI directory next to
 * the CA (see cluster-pki.ts):
 *
 *   apiserver-kubelet-client.crt/.key  the apiserver's client certificate for kubelets
 *                                      (CN=kube-apiserver-kubelet-client, O=system:masters):
 *                                      what pods/log, exec, attach, port-forward and nodes/proxy
 *                                      present to a kubelet
 *   kubelet-<node>.crt/.key            a kubelet's serving certificate for its HTTPS port
 *                                      (10250), naming the node's addresses and its name
 *   node-<node>.crt/.key               a kubelet's client certificate for the apiserver
 *                                      (CN=system:node:<node>, O=system:nodes), for its kubeconfig
 *
 * Every function creates the pair on first use and reuses it afterwards (reissuing from the same
 * CA when it no longer fits, see `ensureLeafCertificate`); files are 0600 in a 0700 directory.
 * Single-node clusters and HA clusters call the same functions, one serving certificate per node.
 */
import type { CertificateAuthority } from './certificate-authority.ts';
import { ensureLeafCertificate, type EnsuredCertificate } from './pki-files.ts';

/** The user the apiserver is when it calls a kubelet; kubelets let only it (and system:masters) in. */
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';
export const KUBELET_CLIENT_GROUPS: readonly string[] = ['system:masters'];
/** Base name of the apiserver's kubelet client certificate in the PKI directory. */
export const KUBELET_CLIENT_BASE = 'apiserver-kubelet-client';

/** The apiserver's client certificate for calls to kubelets (`apiserver-kubelet-client.crt`). */
export function ensureKubeletClientCertificate(pkiDir: string, ca: CertificateAuthority): Promise<EnsuredCertificate> {
  return ensureLeafCertificate(pkiDir, KUBELET_CLIENT_BASE, ca, {
    commonName: KUBELET_CLIENT_USER,
    organizations: KUBELET_CLIENT_GROUPS,
    usages: ['client'],
  });
}

/** A node as its certificates name it. */
export interface NodeIdentity {
  /** The node name, e.g. `cp-1` or `worker-2`. */
  readonly name: string;
  /** Every address the node's kubelet is reached at (its InternalIP first). */
  readonly addresses: readonly string[];
}

/**
 * The serving certificate of node `node.name`'s kubelet (`kubelet-<name>.crt`): server usage,
 * SANs = the node's addresses (IP) and its name (DNS), signed by the cluster CA so the apiserver
 * verifies it against that CA.
 */
export function ensureKubeletServingCertificate(pkiDir: string, ca: CertificateAuthority, node: NodeIdentity): Promise<EnsuredCertificate> {
  return ensureLeafCertificate(pkiDir, `kubelet-${node.name}`, ca, {
    commonName: `system:node:${node.name}`,
    organizations: ['system:nodes'],
    usages: ['server'],
    dnsNames: [node.name],
    ipAddresses: [...new Set(node.addresses)],
  });
}

/**
 * The client certificate node `nodeName`'s kubelet uses toward the apiserver
 * (`node-<name>.crt`, CN=system:node:<name>, O=system:nodes), as upstream's node identity.
 */
export function ensureNodeClientCertificate(pkiDir: string, ca: CertificateAuthority, nodeName: string): Promise<EnsuredCertificate> {
  return ensureLeafCertificate(pkiDir, `node-${nodeName}`, ca, {
    commonName: `system:node:${nodeName}`,
    organizations: ['system:nodes'],
    usages: ['client'],
  });
}
