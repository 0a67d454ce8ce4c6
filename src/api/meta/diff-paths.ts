/**
 * Where two JSON values differ, as field paths (`spec.containers[0].ports`), for messages that
 * tell a user which part of an immutable object their update tried to change.
 */
import { deepEqual } from '../../util/deep-equal.ts';
import { isObject } from './shape.ts';

/** The innermost differing paths under `prefix`, at most `limit` of them (then `...`). */
export function diffPaths(a: unknown, b: unknown, prefix: string, limit: number): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (out.length > limit || deepEqual(x, y)) return;
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      x.forEach((v, i) => walk(v, y[i], `${path}[${i}]`));
      return;
    }
    if (isObject(x) && isObject(y)) {
      for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) walk(x[k], y[k], path === '' ? k : `${path}.${k}`);
      return;
    }
    out.push(path);
  };
  walk(a, b, prefix);
  return out.length > limit ? [...out.slice(0, limit), '...'] : out;
}
