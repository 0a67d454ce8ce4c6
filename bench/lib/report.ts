/** Writes a benchmark's results as JSON plus a Markdown table under bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Row {
  readonly name: string;
  readonly [column: string]: string | number;
}

export interface BenchReport {
  readonly suite: string;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly node: string };
  readonly rows: readonly Row[];
  /** Target checks: what was asked, what was measured, whether it held. */
  readonly targets: ReadonlyArray<{ readonly target: string; readonly measured: string; readonly met: boolean }>;
}

export const RESULTS_DIR = resolve(import.meta.dirname, '..', 'results');

function table(rows: readonly Row[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${columns.map((c) => String(r[c] ?? '')).join(' | ')} |`);
  return lines.join('\n');
}

/** Saves `<suite>.json` and `<suite>.md`, and returns the Markdown. */
export function writeReport(report: BenchReport): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${report.suite}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const targets = report.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : 'NO'} |`);
  const md = [
    `# ${report.suite} benchmark (${report.startedAt}, ${report.machine.cpus} CPUs, node ${report.machine.node})`,
    '',
    table(report.rows),
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...targets,
    '',
  ].join('\n');
  writeFileSync(join(RESULTS_DIR, `${report.suite}.md`), md);
  return md;
}
