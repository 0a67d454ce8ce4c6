/**
 * A minimal HTTPS server answering every request with one fixed ConfigMap, in a child process
 * with the same TLS setup as the apiserver (client certificates requested). Benchmarks drive it
 * with the same client as the apiserver: its rate is what this machine and client can do at
 * all, so `API rate / echo rate` is the apiserver's own cost, whatever else the machine runs.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface EchoServer {
  readonly url: URL;
  stop(): Promise<void>;
}

const SERVER_SOURCE = `
const https = require('node:https');
const body = process.env.ECHO_BODY;
const server = https.createServer(
  { key: process.env.ECHO_KEY, cert: process.env.ECHO_CERT, ca: process.env.ECHO_CA, requestCert: true, rejectUnauthorized: false },
  (req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  },
);
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

/** Starts the echo server with the apiserver's serving certificate (`certPem`/`keyPem`) and CA. */
export async function startEchoServer(tls: { certPem: string; keyPem: string; caPem: string }, body: unknown): Promise<EchoServer> {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ECHO_KEY: tls.keyPem, ECHO_CERT: tls.certPem, ECHO_CA: tls.caPem, ECHO_BODY: JSON.stringify(body) },
  });
  const [chunk] = await once(child.stdout, 'data');
  const port = Number(String(chunk).trim());
  return {
    url: new URL(`https://127.0.0.1:${port}`),
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
