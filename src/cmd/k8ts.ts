/** The `k8ts` executable: runs the CLI with the process's arguments and exits with its code. */
import { processIo } from '../cli/cli-context.ts';
import { main } from '../cli/main.ts';
import { silenceIpServerNameWarning } from '../util/ip-servername-warning.ts';

silenceIpServerNameWarning();
process.exitCode = await main(process.argv.slice(2), processIo());
