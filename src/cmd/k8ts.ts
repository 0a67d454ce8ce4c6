/** The `k8ts` executable: runs the CLI with the process's arguments and exits with its code. */
import { processIo } from '../cli/cli-context.ts';
import { main } from '../cli/main.ts';

// etcd members are addressed by IP (their certificates name their loopback addresses), and the
// gRPC client passes that IP as the TLS server name, for which Node warns (DEP0123) on every
// connection; the certificate is still verified against the address. Every other warning stays.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: unknown }).code : rest[1];
  if (code === 'DEP0123') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
});

process.exitCode = await main(process.argv.slice(2), processIo());
