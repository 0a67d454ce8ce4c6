/**
 * `npm run bench [-- <suite>...]`: runs benchmark suites (default: api) and writes each one's
 * results to bench/results/<suite>.json and .md. Suites measure k8ts next to a baseline taken
 * in the same run, because these machines are shared and noisy: ratios matter, not absolutes.
 */
import { runApiBench } from './api-bench.ts';
import { runHaBench } from './ha-bench.ts';
import { runPodsBench } from './pods-bench.ts';
import { runSchedulerBench } from './scheduler-bench.ts';
import { warmCompileCache } from './lib/warm-compile-cache.ts';
import { silenceIpServerNameWarning } from '../src/util/ip-servername-warning.ts';

silenceIpServerNameWarning();

const SUITES: Record<string, () => Promise<string>> = {
  api: runApiBench,
  ha: runHaBench,
  pods: runPodsBench,
  scheduler: runSchedulerBench,
};

const requested = process.argv.slice(2).filter((a) => a !== '--');
const names = requested.length > 0 ? requested : ['api'];
for (const name of names) {
  const suite = SUITES[name];
  if (suite === undefined) {
    process.stderr.write(`error: unknown benchmark suite "${name}"; available: ${Object.keys(SUITES).join(', ')}\n`);
    process.exit(2);
  }
}
await warmCompileCache();
for (const name of names) {
  process.stdout.write(`${await SUITES[name]!()}\n`);
}
