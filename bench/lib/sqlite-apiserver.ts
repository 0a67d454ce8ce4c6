/**
 * A benchmark child process: one apiserver on the embedded SQLite store and nothing else (no
 * in-process controllers or scheduler, so a benchmark decides what runs against it), with
 * throwaway certificates. Usage: `node bench/lib/sqlite-apiserver.ts <dir>`. It writes
 * `<dir>/kubeconfig`, prints one JSON line `{"url": ..., "kubeconfig": ...}` on stdout once it
 * listens, and stops cleanly on SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiServer } from '../../src/apiserver/server.ts';
import { generateTestCerts } from '../../src/client/testing/test-certs.ts';
import { buildKubeconfig } from '../../src/pki/index.ts';
import { openStorage } from '../../src/storage/index.ts';

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: sqlite-apiserver.ts <dir>\n');
  process.exit(2);
}
const certs = await generateTestCerts('bench-admin', ['system:masters']);
const storage = await openStorage({ backend: 'sqlite', path: join(dir, 'state.db') });
const server = await startApiServer({
  storage,
  bindAddress: '127.0.0.1',
  port: 0,
  tls: { certPem: certs.serverCertPem, keyPem: certs.serverKeyPem, clientCaPem: certs.caPem },
  log: () => {},
});
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, buildKubeconfig({ name: 'bench', server: server.url, caPem: certs.caPem, certPem: certs.clientCertPem, keyPem: certs.clientKeyPem }), { mode: 0o600 });
process.stdout.write(`${JSON.stringify({ url: server.url, kubeconfig })}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await server.close();
    await storage.close();
    process.exit(0);
  })();
});
