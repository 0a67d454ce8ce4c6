/**
 * Serving OpenAPI v3: `/openapi/v3` (the index) and `/openapi/v3/<api/v1|apis/g/v>` (one
 * document per group/version), generated from the server's schema catalog for exactly the
 * resources it serves. `/openapi/v2` carries no definitions (see openapi-v2.ts).
 *
 * Caching follows upstream's handler: every document has an ETag (its content hash) and
 * honours If-None-Match; a URL whose `?hash=` is the current one may be cached for good
 * (`Cache-Control: public, immutable`); a URL with a stale hash is redirected (301) to the
 * current one, so a client holding an old index still reaches today's document.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeJson } from './http/respond.ts';
import { openApiCatalog } from './openapi-catalog.ts';
import { serveOpenApiV2 } from './openapi-v2.ts';
import type { ApiRegistry } from './registry/api-registry.ts';

const PREFIX = '/openapi/v3/';
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/** Serves an OpenAPI path; returns false when `url` is not one this server has. */
export async function serveOpenApi(registry: ApiRegistry, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (path === '/openapi/v2') {
    serveOpenApiV2(req, res);
    return true;
  }
  const set = openApiCatalog(registry).documents(registry);
  if (path === '/openapi/v3' || path === PREFIX) {
    writeJson(res, 200, set.index);
    return true;
  }
  if (!path.startsWith(PREFIX)) return false;
  const doc = set.documents.get(path.slice(PREFIX.length));
  if (doc === undefined) return false;
  const etag = `"${doc.hash}"`;
  const hash = url.searchParams.get('hash');
  if (hash !== null && hash !== '' && hash !== doc.hash) {
    res.writeHead(301, { Location: `${PREFIX}${doc.path}?hash=${doc.hash}`, 'Content-Length': 0 });
    res.end();
    return true;
  }
  const headers: Record<string, string | number> = { ETag: etag, Vary: 'Accept' };
  if (hash === doc.hash) {
    headers['Cache-Control'] = 'public, immutable';
    headers['Expires'] = new Date(Date.now() + ONE_YEAR_MS).toUTCString();
  } else {
    headers['Cache-Control'] = 'no-cache, private';
  }
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc.json) });
  res.end(req.method === 'HEAD' ? undefined : doc.json);
  return true;
}
