/**
 * The HAProxy configuration k8ts writes for `--lb haproxy`: a TCP frontend on the balancer's
 * address (TLS passes through), the apiservers as backend servers with the same active check as
 * the built-in balancer (HTTPS `GET /readyz`, the certificate verified against the cluster CA,
 * every 250 ms, down after 2 failures, up after 2 successes, sessions of a server that goes down
 * shut at once), and a stats socket the supervisor reads the servers' states from.
 */
import { backendAddress, type Backend } from './backends.ts';

export interface HaproxyConfigOptions {
  readonly bindAddress: string;
  readonly port: number;
  readonly backends: readonly Backend[];
  /** The cluster CA file (PEM). */
  readonly caFile: string;
  /** The stats socket and PID file go here. */
  readonly statsSocket: string;
  readonly pidFile: string;
  /** @default 250 */
  readonly intervalMs?: number;
  /** @default 500 */
  readonly timeoutMs?: number;
  /** @default 2 */
  readonly rise?: number;
  /** @default 2 */
  readonly fall?: number;
}

/** HAProxy's name for a server must be an identifier; backend names (`cp-1`) already are. */
function serverName(b: Backend): string {
  return b.name.replace(/[^A-Za-z0-9_.:-]/g, '_');
}

/** The configuration text. */
export function renderHaproxyConfig(opts: HaproxyConfigOptions): string {
  const bind = opts.bindAddress.includes(':') ? `[${opts.bindAddress}]` : opts.bindAddress;
  const check = `inter ${opts.intervalMs ?? 250}ms fall ${opts.fall ?? 2} rise ${opts.rise ?? 2}`;
  return [
    '# Written by k8ts (`k8ts lb --engine haproxy`); rewritten when the backends change.',
    'global',
    '  master-worker',
    '  log stderr format raw local0 notice',
    '  maxconn 4096',
    `  stats socket ${opts.statsSocket} mode 600 level user`,
    `  pidfile ${opts.pidFile}`,
    '  # An old worker still holding connections after a reload is stopped after this.',
    '  hard-stop-after 30s',
    '',
    'defaults',
    '  mode tcp',
    '  log global',
    '  timeout connect 1s',
    '  timeout client 1h',
    '  timeout server 1h',
    '  timeout tunnel 1h',
    `  timeout check ${opts.timeoutMs ?? 500}ms`,
    '  retries 2',
    '  option redispatch',
    '',
    'frontend apiserver',
    `  bind ${bind}:${opts.port}`,
    '  default_backend apiservers',
    '',
    'backend apiservers',
    '  balance leastconn',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    `  default-server ${check} on-marked-down shutdown-sessions check check-ssl verify required ca-file ${opts.caFile}`,
    ...opts.backends.map((b) => `  server ${serverName(b)} ${backendAddress(b)}`),
    '',
  ].join('\n');
}
