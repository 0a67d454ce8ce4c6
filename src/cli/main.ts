/**
 * The `k8ts` command line. Exit codes: 0 success, 1 failure, 2 usage error (unknown command or
 * flag, bad flag value). Every error is one `error: ...` line on stderr that names the flag or
 * file at fault and says what to do.
 */
import { Command, CommanderError } from 'commander';
import type { CliContext, CliIo } from './cli-context.ts';
import { UsageError } from './usage-error.ts';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Commander's "errors" that are really a requested output (help, version). */
const INFORMATIONAL = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

type Register = (program: Command, ctx: CliContext) => void;

/**
 * The commands, in help order, each loaded only when needed: a long-running `k8ts agent` or
 * `k8ts lb` then holds only its own code, not the controllers' and the scheduler's.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  up: async () => (await import('./commands/up.ts')).registerUp,
  down: async () => (await import('./commands/down.ts')).registerDown,
  status: async () => (await import('./commands/status.ts')).registerStatus,
  kubeconfig: async () => (await import('./commands/kubeconfig.ts')).registerKubeconfig,
  server: async () => (await import('./commands/server.ts')).registerServer,
  'controller-manager': async () => (await import('./commands/controller-manager.ts')).registerControllerManager,
  agent: async () => (await import('./commands/agent.ts')).registerAgent,
  scheduler: async () => (await import('./commands/scheduler.ts')).registerScheduler,
  lb: async () => (await import('./commands/lb.ts')).registerLb,
  node: async () => (await import('./commands/node.ts')).registerNode,
  etcd: async () => (await import('./commands/etcd.ts')).registerEtcd,
};

/** The program with the command `args` names, or with every command (for help and errors). */
async function buildProgram(ctx: CliContext, args: readonly string[]): Promise<Command> {
  const program = new Command('k8ts')
    .description('k8ts: a Kubernetes-compatible cluster in TypeScript, on one machine')
    .exitOverride()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .showHelpAfterError('(run `k8ts --help` or `k8ts <command> --help` for usage)')
    .allowExcessArguments(false);
  const named = args[0] !== undefined && Object.hasOwn(COMMANDS, args[0]) ? [args[0]] : Object.keys(COMMANDS);
  for (const name of named) (await COMMANDS[name]!())(program, ctx);
  return program;
}

/**
 * Runs `k8ts` with `args` (the arguments after the program name).
 * @returns the exit code
 */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const ctx: CliContext = { ...io, setExitCode: (code) => (exitCode = code) };
  const program = await buildProgram(ctx, args);
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
