/**
 * Fills Node's compile cache before a benchmark: boots and stops a throwaway single-node cluster
 * with one worker, so the k8ts processes the benchmark starts load their modules from the cache,
 * as every start does but the first one after a change. A cold start also loads Node's type
 * stripper, some 15 MB more resident per process, which would skew the memory figures.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { k8tsCommand } from '../../src/cluster/k8ts-bin.ts';

const run = promisify(execFile);

/** Runs `k8ts up --workers 1` and `k8ts down --delete` in a scratch K8TS_HOME (bounded to 60 s each). */
export async function warmCompileCache(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'k8ts-bench-warm-'));
  const env = { ...process.env, K8TS_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
  const k8ts = (args: string[]) => {
    const [node, ...rest] = k8tsCommand(args);
    return run(node!, rest, { env, timeout: 60_000 });
  };
  try {
    await k8ts(['up', '--name', 'warm', '--workers', '1', '--no-merge-kubeconfig']);
  } finally {
    await k8ts(['down', '--name', 'warm', '--delete']).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}
