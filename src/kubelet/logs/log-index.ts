/**
 * When each part of a container's log was written. A process-runtime container writes its
 * stdout and stderr straight into its log file (so it keeps running, and logging, while the
 * kubelet restarts), which leaves no per-line times. The kubelet therefore watches the file
 * while the container runs and appends `<size> <epoch-ms>` to `<log>.idx` whenever it sees the
 * file grow: a byte gets the time of the first observation that covers it. While the kubelet
 * watches, that is within milliseconds of the write; bytes written while it was down get the
 * time it first saw them after its restart.
 */
import { appendFile, readFile } from 'node:fs/promises';

/** One observation: the file held `size` bytes at `timeMs`. */
export interface IndexEntry {
  readonly size: number;
  readonly timeMs: number;
}

export function indexPathOf(logPath: string): string {
  return `${logPath}.idx`;
}

/** Parses an index file's text (malformed lines are skipped). */
export function parseIndex(text: string): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (const line of text.split('\n')) {
    const [size, time] = line.split(' ');
    const s = Number(size);
    const t = Number(time);
    if (line === '' || !Number.isFinite(s) || !Number.isFinite(t)) continue;
    if (entries.length === 0 || s > entries[entries.length - 1]!.size) entries.push({ size: s, timeMs: t });
  }
  return entries;
}

export async function readIndex(logPath: string): Promise<IndexEntry[]> {
  try {
    return parseIndex(await readFile(indexPathOf(logPath), 'utf8'));
  } catch {
    return [];
  }
}

export async function appendIndex(logPath: string, entry: IndexEntry): Promise<void> {
  await appendFile(indexPathOf(logPath), `${entry.size} ${entry.timeMs}\n`, { mode: 0o600 });
}

/**
 * The write time of the byte at `offset`: the first entry whose size covers it, else
 * `fallbackMs` (bytes no observation covers yet).
 */
export function timeAt(entries: readonly IndexEntry[], offset: number, fallbackMs: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.size > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo < entries.length ? entries[lo]!.timeMs : fallbackMs;
}
