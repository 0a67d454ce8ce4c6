/**
 * The certificates of an etcd cluster, under its directory (etcd-layout.ts):
 *
 *   pki/ca.{crt,key}                the etcd CA: separate from the cluster CA, and the only issuer
 *                                   members trust, on the client port and the peer port
 *   pki/client.{crt,key}            k8ts' own client certificate (status, membership, snapshots)
 *   pki/<name>-client.{crt,key}     one per apiserver (CN kube-apiserver-etcd-client-<name>)
 *   members/<m>/tls/ca.crt          a copy of the CA certificate, for the member's flags
 *   members/<m>/tls/server.{crt,key} served on the client port; names the member's address
 *   members/<m>/tls/peer.{crt,key}   served and presented on the peer port (CN k8ts-etcd-peer)
 *
 * Shared by the test clusters of etcd-cluster.ts and the clusters `k8ts up` runs.
 */
import { join } from 'node:path';
import {
  ensureCertificateAuthority,
  ensureLeafCertificate,
  ensurePrivateDir,
  writePrivateFile,
  type CertificateAuthority,
  type EnsuredCertificate,
} from '../pki/index.ts';
import type { EtcdTlsOptions } from '../storage/etcd/etcd-client.ts';
import { memberPaths, type EtcdMemberSpec } from './etcd-layout.ts';
import { peerCommonName, type EtcdMemberTlsFiles } from './etcd-member.ts';

/** The etcd CA and k8ts' own client certificate. */
export interface EtcdPki {
  readonly ca: CertificateAuthority;
  readonly client: EnsuredCertificate;
  /** The CA and client certificate as a client of the members needs them. */
  readonly clientTls: EtcdTlsOptions;
}

/** The PKI directory of the etcd cluster in `dir`. */
export function etcdPkiDir(dir: string): string {
  return join(dir, 'pki');
}

/** Loads the etcd CA and k8ts' client certificate under `dir/pki`, creating them on first use. */
export async function ensureEtcdPki(dir: string): Promise<EtcdPki> {
  const pki = etcdPkiDir(dir);
  const ca = await ensureCertificateAuthority(pki, 'ca', 'k8ts-etcd-ca');
  const client = await ensureLeafCertificate(pki, 'client', ca, { commonName: 'k8ts-etcd-client', usages: ['client'] });
  return { ca, client, clientTls: { caPem: ca.pem.certPem, certPem: client.certPem, keyPem: client.keyPem } };
}

/** The files an apiserver on node `node` presents to etcd (`--etcd-cafile/certfile/keyfile`). */
export interface EtcdClientFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** The client certificate of the apiserver on node `node`, issued on first use. */
export async function ensureApiServerEtcdClient(dir: string, pki: EtcdPki, node: string): Promise<EtcdClientFiles> {
  const cert = await ensureLeafCertificate(etcdPkiDir(dir), `${node}-client`, pki.ca, { commonName: `kube-apiserver-etcd-client-${node}`, usages: ['client'] });
  return { caFile: join(etcdPkiDir(dir), 'ca.crt'), certFile: cert.certFile, keyFile: cert.keyFile };
}

/**
 * etcd checks a connecting peer's certificate against the address the connection comes from. A
 * member dialling another member's loopback address connects from 127.0.0.1 (the kernel's source
 * address for all of 127.0.0.0/8), so a loopback member's peer certificate also names 127.0.0.1.
 * Trust still rests on the etcd CA and the peer common name (see peerCommonName).
 */
function peerAddresses(ip: string): string[] {
  return ip.startsWith('127.') && ip !== '127.0.0.1' ? [ip, '127.0.0.1'] : [ip];
}

/** The server and peer certificates of member `spec` (issued on first use) and the CA copy beside them. */
export async function ensureMemberCertificates(dir: string, pki: EtcdPki, spec: EtcdMemberSpec): Promise<EtcdMemberTlsFiles> {
  const { tlsDir } = memberPaths(dir, spec.name);
  await ensurePrivateDir(tlsDir);
  await writePrivateFile(join(tlsDir, 'ca.crt'), pki.ca.pem.certPem);
  const server = await ensureLeafCertificate(tlsDir, 'server', pki.ca, {
    commonName: `etcd-${spec.name}`,
    usages: ['server', 'client'],
    ipAddresses: [spec.ip],
  });
  const peer = await ensureLeafCertificate(tlsDir, 'peer', pki.ca, {
    commonName: peerCommonName,
    usages: ['server', 'client'],
    ipAddresses: peerAddresses(spec.ip),
  });
  return {
    caFile: join(tlsDir, 'ca.crt'),
    serverCertFile: server.certFile,
    serverKeyFile: server.keyFile,
    peerCertFile: peer.certFile,
    peerKeyFile: peer.keyFile,
  };
}
