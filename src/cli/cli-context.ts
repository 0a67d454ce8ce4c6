/** Where a command writes, and the environment it reads ($K8TS_HOME, $KUBECONFIG). */
export interface CliIo {
  /** Writes to standard output (the command's result). */
  readonly out: (text: string) => void;
  /** Writes to standard error (progress and diagnostics). */
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** What every command gets. */
export interface CliContext extends CliIo {
  /** Sets the exit code of a command that completes without throwing (e.g. `status` of a sick cluster). */
  readonly setExitCode: (code: number) => void;
}

/** The I/O of a real run: process stdout, stderr and environment. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  };
}
