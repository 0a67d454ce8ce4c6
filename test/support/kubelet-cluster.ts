/**
 * An in-process apiserver (memory storage) plus a kubelet with the process runtime, wired with
 * real certificates from one CA the way a cluster is: the apiserver reaches the kubelet with its
 * kubelet-client certificate, the kubelet talks to the apiserver through the client as admin.
 * Also a client for the exec WebSocket protocol, as kubectl speaks it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/server.ts';
import { Clientset } from '../../src/client/index.ts';
import { startKubelet, type KubeletOptions, type RunningKubelet } from '../../src/kubelet/kubelet.ts';
import { stopPodProcesses } from '../../src/kubelet/index.ts';
import { CertificateAuthority } from '../../src/pki/index.ts';
import { MemoryStorage } from '../../src/storage/memory/memory-storage.ts';

export interface KubeletCluster {
  readonly plane: TestControlPlane;
  readonly api: RunningApiServer;
  readonly clientset: Clientset;
  kubelet: RunningKubelet;
  readonly dataDir: string;
  readonly nodeName: string;
  readonly tls: { readonly ca: string; readonly cert: string; readonly key: string };
  /** Starts a new kubelet over the same data directory (after `kubelet.stop()`), as a restart. */
  restartKubelet(): Promise<RunningKubelet>;
  close(): Promise<void>;
}

export type ExtraKubeletOptions = Partial<Omit<KubeletOptions, 'clientset' | 'tls' | 'dataDir' | 'nodeName' | 'nodeIP'>>;

/** An apiserver on memory storage with a cluster CA, and the certificates a kubelet needs. */
export interface TestControlPlane {
  readonly api: RunningApiServer;
  readonly clientset: Clientset;
  readonly tls: { readonly ca: string; readonly cert: string; readonly key: string };
  /** A kubelet serving certificate for 127.0.0.1 and the CA client certificates are checked against. */
  readonly kubeletTls: { readonly certPem: string; readonly keyPem: string; readonly clientCaPem: string };
  /** The cluster CA, to issue more certificates. */
  readonly ca: CertificateAuthority;
  close(): Promise<void>;
}

export async function startTestControlPlane(nodeName = 'node-1'): Promise<TestControlPlane> {
  const ca = await CertificateAuthority.create('kubelet-test-ca');
  const [serving, admin, kubeletClient, kubeletServing] = await Promise.all([
    ca.issue({ commonName: 'kube-apiserver', usages: ['server'], ipAddresses: ['127.0.0.1'] }),
    ca.issue({ commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] }),
    ca.issue({ commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usages: ['client'] }),
    ca.issue({ commonName: `system:node:${nodeName}`, usages: ['server'], ipAddresses: ['127.0.0.1'], dnsNames: [nodeName] }),
  ]);
  const storage = new MemoryStorage();
  const api = await startApiServer({
    storage,
    bindAddress: '127.0.0.1',
    port: 0,
    tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: ca.pem.certPem },
    kubeletClient: { certPem: kubeletClient.certPem, keyPem: kubeletClient.keyPem, caPem: ca.pem.certPem },
    log: () => undefined,
  });
  const clientset = Clientset.fromOptions({ endpoints: [api.url], ca: ca.pem.certPem, cert: admin.certPem, key: admin.keyPem });
  return {
    api,
    clientset,
    ca,
    tls: { ca: ca.pem.certPem, cert: admin.certPem, key: admin.keyPem },
    kubeletTls: { certPem: kubeletServing.certPem, keyPem: kubeletServing.keyPem, clientCaPem: ca.pem.certPem },
    async close() {
      clientset.close();
      await api.close();
      await storage.close();
    },
  };
}

export async function startKubeletCluster(extra: ExtraKubeletOptions = {}, nodeName = 'node-1'): Promise<KubeletCluster> {
  const plane = await startTestControlPlane(nodeName);
  const { api, clientset } = plane;
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-it-'));
  const options: KubeletOptions = {
    clientset,
    nodeName,
    nodeIP: '127.0.0.1',
    podCIDR: '127.88.1.0/24',
    dataDir,
    kubeletPort: 0,
    tls: plane.kubeletTls,
    leaseRenewIntervalMs: 1000,
    ...extra,
  };
  const start = async (): Promise<RunningKubelet> => {
    const k = await startKubelet(options);
    await k.ready;
    return k;
  };
  const cluster: KubeletCluster = {
    plane,
    api,
    clientset,
    kubelet: await start(),
    dataDir,
    nodeName,
    tls: plane.tls,
    async restartKubelet() {
      cluster.kubelet = await start();
      return cluster.kubelet;
    },
    async close() {
      await cluster.kubelet.stop();
      await stopPodProcesses(dataDir, 2000);
      await plane.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The JSON status from channel 3. */
  readonly status: { status?: string; reason?: string; message?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } } | undefined;
}

/**
 * Runs `kubectl exec`'s WebSocket exchange against `url` (an apiserver exec URL): sends `stdin`
 * (then the v5 close signal for stdin), collects stdout/stderr and the status.
 */
export function execWebSocket(url: string, tls: { ca: string; cert: string; key: string }, stdin?: string, protocol = 'v5.channel.k8s.io'): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [protocol], { ca: tls.ca, cert: tls.cert, key: tls.key });
    let stdout = '';
    let stderr = '';
    let status: ExecResult['status'];
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(new Error(`upgrade refused: ${res.statusCode} ${body}`)));
    });
    ws.on('open', () => {
      if (stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(stdin)]));
        if (protocol === 'v5.channel.k8s.io') ws.send(Buffer.from([255, 0]));
      }
    });
    ws.on('message', (data: Buffer) => {
      const channel = data[0];
      const text = data.subarray(1).toString('utf8');
      if (channel === 1) stdout += text;
      else if (channel === 2) stderr += text;
      else if (channel === 3) status = JSON.parse(text) as ExecResult['status'];
    });
    ws.on('close', () => resolve({ stdout, stderr, status }));
    ws.on('error', reject);
  });
}
