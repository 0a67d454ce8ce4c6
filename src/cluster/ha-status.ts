/**
 * What `k8ts status` shows of an HA cluster besides its processes: each node with its role and
 * processes, the etcd members (leader, revision, raft term) and the quorum, the load balancer's
 * backends, and the holders of the kube-system Leases (the leader-elected components and the
 * apiservers' own leases), read through the API.
 */
import { leaseType } from '../api/coordination/v1/lease.ts';
import { Clientset } from '../client/index.ts';
import type { BackendStatus } from '../lb/index.ts';
import { clusterNodes, type ClusterRecord } from './cluster-record.ts';
import { etcdReport, readEtcdClientTls, type EtcdReport } from './ha-etcd.ts';
import { fetchLoadBalancerStatus } from './ha-gates.ts';
import { nodeApiServerUrl } from './ha-processes.ts';
import { apiServerUrl } from './cluster-record.ts';
import type { ProbeCredentials } from './readiness.ts';

/** A Lease in kube-system and who holds it. */
export interface LeaseHolder {
  readonly name: string;
  /** '' when released. */
  readonly holder: string;
  /** The node of the holder, when it can be told (leader-election identities start with it; apiserver leases name their address). */
  readonly node?: string;
  /** Seconds since the last renewal, at the time of the status. */
  readonly renewedSecondsAgo?: number;
  /** Renewed within its duration. */
  readonly live: boolean;
  /** One of the apiservers' own leases. */
  readonly apiserver: boolean;
}

export interface LoadBalancerState {
  readonly kind: string;
  readonly address: string;
  readonly backends?: readonly BackendStatus[];
  /** Why the backends could not be read. */
  readonly error?: string;
}

/** The HA parts of a cluster's status. */
export interface HaStatus {
  readonly etcd?: EtcdReport;
  readonly etcdError?: string;
  readonly loadBalancer: LoadBalancerState;
  readonly leases?: readonly LeaseHolder[];
  readonly leasesError?: string;
}

const IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';

async function leaseHolders(record: ClusterRecord, credentials: ProbeCredentials): Promise<LeaseHolder[]> {
  const endpoints = [apiServerUrl(record), ...clusterNodes(record).filter((n) => n.role === 'control-plane').map(nodeApiServerUrl)];
  const clientset = Clientset.fromOptions({ endpoints, ca: credentials.caPem, cert: credentials.certPem, key: credentials.keyPem, userAgent: 'k8ts-status', requestTimeoutMs: 3_000, connectTimeoutMs: 1_000 });
  try {
    const list = await clientset.resource(leaseType).list({ namespace: 'kube-system', timeoutMs: 3_000 });
    const now = Date.now();
    const byAddress = new Map(clusterNodes(record).map((n) => [n.address, n.name]));
    return list.items.map((lease) => {
      const spec = (lease.spec ?? {}) as { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
      const holder = spec.holderIdentity ?? '';
      const renewed = spec.renewTime === undefined ? NaN : Date.parse(spec.renewTime);
      const apiserver = lease.metadata.labels?.[IDENTITY_LABEL] === 'kube-apiserver';
      const prefix = holder.split('_')[0] ?? '';
      const node = apiserver ? byAddress.get(lease.metadata.annotations?.['k8ts.io/advertise-address'] ?? '') : clusterNodes(record).some((n) => n.name === prefix) ? prefix : undefined;
      const live = holder !== '' && Number.isFinite(renewed) && renewed + (spec.leaseDurationSeconds ?? 0) * 1000 > now;
      return {
        name: lease.metadata.name ?? '',
        holder,
        ...(node === undefined ? {} : { node }),
        ...(Number.isFinite(renewed) ? { renewedSecondsAgo: Math.max(0, Math.round((now - renewed) / 100) / 10) } : {}),
        live,
        apiserver,
      };
    });
  } finally {
    clientset.close();
  }
}

/** Gathers the HA status of `record`'s cluster in `dir` (each part reports its own failure). */
export async function haStatus(dir: string, record: ClusterRecord, credentials: ProbeCredentials | undefined): Promise<HaStatus> {
  const lb = record.loadBalancer!;
  const [etcd, backends, leases] = await Promise.all([
    readEtcdClientTls(dir).then((tls) => etcdReport(record, tls)).then((r) => ({ r }), (err: unknown) => ({ err: String(err instanceof Error ? err.message : err) })),
    fetchLoadBalancerStatus(lb).then((s) => ({ s }), (err: unknown) => ({ err: err instanceof Error ? err.message : String(err) })),
    credentials === undefined
      ? Promise.resolve({ err: 'no admin credentials' })
      : leaseHolders(record, credentials).then((l) => ({ l }), (err: unknown) => ({ err: err instanceof Error ? err.message : String(err) })),
  ]);
  return {
    ...('r' in etcd ? { etcd: etcd.r } : { etcdError: etcd.err }),
    loadBalancer: { kind: lb.kind, address: `${lb.address}:${lb.port}`, ...('s' in backends ? { backends: backends.s.backends } : { error: backends.err }) },
    ...('l' in leases ? { leases: leases.l } : { leasesError: leases.err }),
  };
}
