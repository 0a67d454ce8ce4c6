/**
 * The certificates of an HA cluster (paths in ha-layout.ts):
 * - the cluster CA and the admin client certificate, in `pki/`;
 * - per control-plane node, in `nodes/<node>/pki/`: a copy of the cluster CA (each `k8ts server`
 *   signs its own admin certificate, as every kubeadm control-plane node holds the CA) and a
 *   serving certificate naming the node's address, the load balancer's (TLS passes through it)
 *   and the `kubernetes` Service ClusterIP;
 * - per worker, in `nodes/<node>/pki/`: the node's client certificate (`system:node:<name>` in
 *   `system:nodes`) with a kubeconfig for it, and the kubelet's serving certificate;
 * - the etcd CA, member certificates and one etcd client certificate per apiserver (etcd-pki.ts).
 */
import { join } from 'node:path';
import { kubernetesServiceIp } from '../apiserver/bootstrap.ts';
import {
  ADMIN_GROUPS,
  ADMIN_USER,
  buildKubeconfig,
  ensureCertificateAuthority,
  ensureClientCertificate,
  ensureLeafCertificate,
  ensureServiceAccountKey,
  writeServiceAccountKey,
  ensurePrivateDir,
  writePrivateFile,
  type CertificateAuthority,
  type ServiceAccountKey,
} from '../pki/index.ts';
import { APISERVER_PORT, serviceClusterIpRange } from './address-plan.ts';
import { contextName } from './cluster-name.ts';
import { apiServerUrl, type ClusterRecord, type NodeRecord } from './cluster-record.ts';
import { ensureApiServerEtcdClient, ensureEtcdPki, ensureMemberCertificates, type EtcdClientFiles, type EtcdPki } from './etcd-pki.ts';
import type { EtcdMemberTlsFiles } from './etcd-member.ts';
import { etcdDir, nodeDir } from './ha-layout.ts';
import { prepareServerFiles } from './server-files.ts';
import { ETCD_CLIENT_PORT, ETCD_PEER_PORT } from './address-plan.ts';

/** The cluster CA and the admin credentials: what issuing node certificates and probing the cluster need. */
export interface ClusterCredentials {
  readonly ca: CertificateAuthority;
  readonly admin: { readonly caPem: string; readonly certPem: string; readonly keyPem: string };
}

/** The CA and admin credentials of the cluster, the etcd PKI, and the service account signing key. */
export interface HaPki extends ClusterCredentials {
  readonly etcd: EtcdPki;
  /**
   * One key pair for every apiserver, as kubeadm copies `sa.key` to each control-plane node: a
   * token one apiserver issued must verify on the others (clients reach any of them).
   */
  readonly serviceAccountKey: ServiceAccountKey;
}

/**
 * Creates (first time) or loads the cluster CA and the admin certificate in `<dir>/pki`, where
 * every topology keeps them (a single node's server creates the same files in its data
 * directory, which is the cluster's).
 */
export async function prepareClusterCredentials(dir: string): Promise<ClusterCredentials> {
  const pkiDir = join(dir, 'pki');
  const ca = await ensureCertificateAuthority(pkiDir, 'ca', 'k8ts-ca');
  const admin = await ensureClientCertificate(pkiDir, 'admin', ca, ADMIN_USER, ADMIN_GROUPS);
  return { ca, admin: { caPem: ca.pem.certPem, certPem: admin.certPem, keyPem: admin.keyPem } };
}

/** Creates (first time) or loads the cluster CA, the admin certificate and the etcd PKI, and writes the admin kubeconfig. */
export async function prepareHaPki(dir: string, record: ClusterRecord): Promise<HaPki> {
  const credentials = await prepareClusterCredentials(dir);
  const etcd = await ensureEtcdPki(etcdDir(dir));
  const serviceAccountKey = await ensureServiceAccountKey(join(dir, 'pki'));
  await writePrivateFile(join(dir, 'kubeconfig'), buildKubeconfig({ name: contextName(record.name), server: apiServerUrl(record), ...credentials.admin }));
  return { ...credentials, etcd, serviceAccountKey };
}

/** What a control-plane node's server needs on disk. */
export interface NodeServerFiles {
  readonly dataDir: string;
  readonly etcdClient: EtcdClientFiles;
}

/** The data directory of control-plane node `node`: CA and service account key copies, serving certificate, etcd client certificate. */
export async function prepareControlPlaneFiles(dir: string, record: ClusterRecord, pki: HaPki, node: NodeRecord): Promise<NodeServerFiles> {
  const dataDir = nodeDir(dir, node.name);
  const nodePki = join(dataDir, 'pki');
  await ensurePrivateDir(nodePki);
  await writePrivateFile(join(nodePki, 'ca.crt'), pki.ca.pem.certPem);
  await writePrivateFile(join(nodePki, 'ca.key'), pki.ca.pem.keyPem);
  await writeServiceAccountKey(nodePki, pki.serviceAccountKey);
  const extra = [kubernetesServiceIp(serviceClusterIpRange(record.index)), ...(record.loadBalancer === undefined ? [] : [record.loadBalancer.address])];
  await prepareServerFiles(dataDir, node.address, APISERVER_PORT, { extraServingAddresses: extra });
  const etcdClient = await ensureApiServerEtcdClient(etcdDir(dir), pki.etcd, node.name);
  return { dataDir, etcdClient };
}

/** What a worker's `k8ts agent` needs on disk. */
export interface WorkerFiles {
  readonly dataDir: string;
  /** Kubeconfig for the node's identity (CN=system:node:<name>, O=system:nodes), pointing at the load balancer. */
  readonly kubeconfig: string;
  /** The kubelet's serving certificate (the node's address) and key, and the cluster CA. */
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
  readonly caFile: string;
}

/** The data directory of worker `node`: its credentials and kubelet serving certificate (issued on first use). */
export async function prepareWorkerFiles(dir: string, record: ClusterRecord, pki: ClusterCredentials, node: NodeRecord): Promise<WorkerFiles> {
  const dataDir = nodeDir(dir, node.name);
  const nodePki = join(dataDir, 'pki');
  await ensurePrivateDir(nodePki);
  const caFile = join(nodePki, 'ca.crt');
  await writePrivateFile(caFile, pki.ca.pem.certPem);
  const client = await ensureClientCertificate(nodePki, 'kubelet-client', pki.ca, `system:node:${node.name}`, ['system:nodes']);
  const serving = await ensureLeafCertificate(nodePki, 'kubelet', pki.ca, { commonName: `system:node:${node.name}`, usages: ['server'], ipAddresses: [node.address], dnsNames: [node.name] });
  const kubeconfig = join(dataDir, 'kubeconfig');
  await writePrivateFile(kubeconfig, buildKubeconfig({ name: contextName(record.name), server: apiServerUrl(record), caPem: pki.ca.pem.certPem, certPem: client.certPem, keyPem: client.keyPem }, 'json'));
  return { dataDir, kubeconfig, servingCertFile: serving.certFile, servingKeyFile: serving.keyFile, caFile };
}

/** The certificates of the etcd member on node `node`. */
export function prepareEtcdMemberFiles(dir: string, pki: HaPki, node: NodeRecord): Promise<EtcdMemberTlsFiles> {
  return ensureMemberCertificates(etcdDir(dir), pki.etcd, { name: node.name, ip: node.address, clientPort: ETCD_CLIENT_PORT, peerPort: ETCD_PEER_PORT });
}
