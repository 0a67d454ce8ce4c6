/**
 * The `k8ts` command line. Exit codes: 0 success, 1 failure, 2 usage error (unknown command or
 * flag, bad flag value). Every error is one `error: ...` line on stderr that names the flag or
 * file at fault and says what to do.
 */
import { Command, CommanderError } from 'commander';
import type { CliContext, CliIo } from './cli-context.ts';
import { registerControllerManager } from './commands/controller-manager.ts';
import { registerAgent } from './commands/agent.ts';
import { registerDown } from './commands/down.ts';
import { registerEtcd } from './commands/etcd.ts';
import { registerKubeconfig } from './commands/kubeconfig.ts';
import { registerScheduler } from './commands/scheduler.ts';
import { registerLb } from './commands/lb.ts';
import { registerNode } from './commands/node.ts';
import { registerServer } from './commands/server.ts';
import { registerStatus } from './commands/status.ts';
import { registerUp } from './commands/up.ts';
import { UsageError } from './usage-error.ts';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Commander's "errors" that are really a requested output (help, version). */
const INFORMATIONAL = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

function buildProgram(ctx: CliContext): Command {
  const program = new Command('k8ts')
    .description('k8ts: a Kubernetes-compatible cluster in TypeScript, on one machine')
    .exitOverride()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .showHelpAfterError('(run `k8ts --help` or `k8ts <command> --help` for usage)')
    .allowExcessArguments(false);
  registerUp(program, ctx);
  registerDown(program, ctx);
  registerStatus(program, ctx);
  registerKubeconfig(program, ctx);
  registerServer(program, ctx);
  registerControllerManager(program, ctx);
  registerAgent(program, ctx);
  registerScheduler(program, ctx);
  registerLb(program, ctx);
  registerNode(program, ctx);
  registerEtcd(program, ctx);
  return program;
}

/**
 * Runs `k8ts` with `args` (the arguments after the program name).
 * @returns the exit code
 */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const ctx: CliContext = { ...io, setExitCode: (code) => (exitCode = code) };
  const program = buildProgram(ctx);
  if (args.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its message.
      return INFORMATIONAL.has(err.code) ? 0 : EXIT_USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.err(`error: ${message}\n`);
    return err instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}
