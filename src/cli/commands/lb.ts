/**
 * `k8ts lb`: a load balancer for apiservers in the foreground: the built-in TCP balancer, or
 * HAProxy run and supervised by this process (`--engine haproxy`). Backends come from `--backend`
 * flags or a backends file, re-read on SIGHUP; their state is served at
 * `http://<bind-address>:<status-port>/backends`. Stops on SIGTERM or SIGINT.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { LB_STATUS_PORT } from '../../cluster/address-plan.ts';
import type { Backend, RunningLoadBalancer } from '../../lb/index.ts';
import type { CliContext } from '../cli-context.ts';
import { parseDirectory, parseIpAddress, parsePort, parsePositiveInteger, parseReadableFile, parseSeconds } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

interface LbFlags {
  bindAddress: string;
  port: string;
  backend: string[];
  backendsFile?: string;
  caFile?: string;
  engine: string;
  statusPort: string;
  checkInterval: string;
  checkTimeout: string;
  rise: string;
  fall: string;
  runDir?: string;
  haproxyBinary: string;
}

async function parseBackends(flags: LbFlags): Promise<Backend[]> {
  const { parseBackend } = await import('../../lb/index.ts');
  try {
    return flags.backend.map((b) => parseBackend(b));
  } catch (err) {
    throw new UsageError(`--backend: ${(err as Error).message}`);
  }
}

export function registerLb(program: Command, ctx: CliContext): void {
  program
    .command('lb')
    .description('run a TCP load balancer for apiservers in the foreground (TLS passes through), with active HTTPS /readyz checks')
    .requiredOption('--bind-address <address>', 'IP address to serve clients on')
    .option('--port <port>', 'port to serve clients on', '6443')
    .option('--backend <name=ip:port>', 'an apiserver (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--backends-file <file>', 'apiservers, one "name ip:port" per line; re-read on SIGHUP')
    .option('--ca-file <file>', 'the cluster CA: checks verify the apiservers\' certificates against it')
    .option('--engine <engine>', 'builtin, or haproxy (run and supervised by this process)', 'builtin')
    .option('--status-port <port>', 'port of the status endpoint (GET /backends) on the bind address', String(LB_STATUS_PORT))
    .option('--check-interval <seconds>', 'interval between checks of each backend', '0.25')
    .option('--check-timeout <seconds>', 'a check without an answer within this fails', '0.5')
    .option('--rise <n>', 'good checks in a row that bring a backend up', '2')
    .option('--fall <n>', 'failed checks in a row that take a backend down', '2')
    .option('--run-dir <dir>', 'with --engine haproxy: where its configuration, stats socket and PID file go (default: the backends file\'s directory)')
    .option('--haproxy-binary <path>', 'with --engine haproxy: the haproxy executable', 'haproxy')
    .action(async (flags: LbFlags) => {
      const bindAddress = parseIpAddress(flags.bindAddress, '--bind-address');
      const port = parsePort(flags.port, '--port');
      const statusPort = parsePort(flags.statusPort, '--status-port');
      if (flags.engine !== 'builtin' && flags.engine !== 'haproxy') throw new UsageError(`--engine must be builtin or haproxy, got ${JSON.stringify(flags.engine)}`);
      if (flags.caFile === undefined) throw new UsageError('--ca-file is required: the CA that signed the apiservers\' serving certificates');
      const caFile = parseReadableFile(flags.caFile, '--ca-file');
      const backendsFile = flags.backendsFile === undefined ? undefined : parseReadableFile(flags.backendsFile, '--backends-file');
      const { readBackendsFile, startBuiltinBalancer, startHaproxyBalancer, startStatusServer } = await import('../../lb/index.ts');
      const fromFlags = await parseBackends(flags);
      if (backendsFile === undefined && fromFlags.length === 0) throw new UsageError('give the apiservers with --backend name=ip:port (repeatable) or --backends-file');
      const readBackends = async (): Promise<Backend[]> => [...fromFlags, ...(backendsFile === undefined ? [] : await readBackendsFile(backendsFile))];
      const check = {
        intervalMs: parseSeconds(flags.checkInterval, '--check-interval'),
        timeoutMs: parseSeconds(flags.checkTimeout, '--check-timeout'),
        rise: parsePositiveInteger(flags.rise, '--rise'),
        fall: parsePositiveInteger(flags.fall, '--fall'),
      };
      const runDir = flags.runDir !== undefined ? parseDirectory(flags.runDir, '--run-dir') : backendsFile !== undefined ? dirname(backendsFile) : undefined;
      if (flags.engine === 'haproxy' && runDir === undefined) throw new UsageError('--engine haproxy needs --run-dir (or --backends-file, whose directory is used)');
      const log = (message: string): void => ctx.err(`${new Date().toISOString()} ${message}\n`);

      let backends: Backend[];
      try {
        backends = await readBackends();
      } catch (err) {
        throw new UsageError(`--backends-file: ${(err as Error).message}`);
      }
      const caPem = await readFile(caFile, 'utf8');
      const balancer: RunningLoadBalancer =
        flags.engine === 'builtin'
          ? await startBuiltinBalancer({ bindAddress, port, backends, caPem, ...check, log })
          : await startHaproxyBalancer({ bindAddress, port, backends, caFile, runDir: runDir!, binary: flags.haproxyBinary, ...check, log });
      const engine = flags.engine;
      const status = await startStatusServer(bindAddress, statusPort, async () => ({ engine, listen: balancer.listen, backends: await balancer.status() })).catch(async (err: unknown) => {
        await balancer.close();
        throw err;
      });
      log(`load balancer (${engine}) on ${balancer.listen}, status at http://${bindAddress}:${statusPort}/backends, backends: ${backends.map((b) => b.name).join(', ')}`);

      const onHangup = (): void => {
        readBackends()
          .then(async (next) => {
            await balancer.setBackends(next);
            log(`backends reloaded: ${next.map((b) => b.name).join(', ')}`);
          })
          .catch((err: unknown) => log(`cannot reload the backends (keeping the current ones): ${(err as Error).message}`));
      };
      process.on('SIGHUP', onHangup);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      process.off('SIGHUP', onHangup);
      log(`received ${signal}; stopping`);
      await status.close();
      await balancer.close();
      log('stopped');
    });
}
