/**
 * The request target (`req.url`) as the server routes it. WHATWG URL parsing rewrites a path
 * before anyone reads it: it resolves `.` and `..` segments, also written `%2e` (any case) and
 * also after a backslash, which it reads as `/`; so `…/namespaces/x/configmaps/%2e%2e` would
 * address the namespace `x` itself. Such targets are refused from the raw text, before any
 * parsing; every other target that parses reads as the path it spells.
 */
import { badRequest } from '../errors.ts';

const ORIGIN = 'https://k8ts.invalid';

/** `.` or `..`, each dot literal or percent-encoded (the only encoding of `.` that decodes). */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Refuses a target whose path has a segment that is, or percent-decodes to, `.` or `..`.
 * @throws ApiError 400 BadRequest
 */
export function refuseDotSegments(target: string): void {
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  const segment = path.split(/[/\\]/).find((s) => DOT_SEGMENT.test(s));
  if (segment !== undefined) throw badRequest(`invalid path ${path}: a path may not contain the segment "${segment}"`);
}

/**
 * The URL of a request target, or undefined for one that does not parse (`http://[`). A target
 * starting with `/` is a path, even one starting `//` (resolved against a base URL, `//x/y`
 * would read as host `x` and path `/y`).
 */
export function parseRequestTarget(target: string): URL | undefined {
  try {
    return target.startsWith('/') ? new URL(`${ORIGIN}${target}`) : new URL(target, ORIGIN);
  } catch {
    return undefined;
  }
}

/**
 * The URL of a request target.
 * @throws ApiError 400 BadRequest for a target that does not parse
 */
export function requestUrl(target: string): URL {
  const url = parseRequestTarget(target);
  if (url === undefined) throw badRequest(`invalid request target ${JSON.stringify(target)}`);
  return url;
}
