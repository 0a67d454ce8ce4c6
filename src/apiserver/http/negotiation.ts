/**
 * Content negotiation for responses: which alternative representation (Table, aggregated
 * discovery) the Accept header asks for. Anything else is answered as JSON, which every client
 * accepts (protobuf-first Accept headers list JSON as the fallback).
 */
import type { IncomingMessage } from 'node:http';

interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header === '') return [];
  return header.split(',').map((part) => {
    const [type, ...rest] = part.split(';');
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    return { type: (type ?? '').trim().toLowerCase(), params };
  });
}

/** The meta.k8s.io Table version requested (`v1` or `v1beta1`), or undefined. */
export function wantsTable(req: IncomingMessage): 'v1' | 'v1beta1' | undefined {
  for (const range of parseAccept(req.headers.accept)) {
    if (range.type !== 'application/json' && range.type !== '*/*') continue;
    if (range.params['as'] === 'Table' && range.params['g'] === 'meta.k8s.io') {
      if (range.params['v'] === 'v1' || range.params['v'] === 'v1beta1') return range.params['v'];
    }
    // The first acceptable plain-JSON alternative wins over later Table entries.
    if (range.params['as'] === undefined) return undefined;
  }
  return undefined;
}

/** The aggregated discovery version requested (`v2` or `v2beta1`), or undefined for legacy discovery. */
export function wantsAggregatedDiscovery(req: IncomingMessage): 'v2' | 'v2beta1' | undefined {
  for (const range of parseAccept(req.headers.accept)) {
    if (range.type !== 'application/json') continue;
    if (range.params['as'] === 'APIGroupDiscoveryList' && range.params['g'] === 'apidiscovery.k8s.io') {
      if (range.params['v'] === 'v2' || range.params['v'] === 'v2beta1') return range.params['v'];
    }
    if (range.params['as'] === undefined) return undefined;
  }
  return undefined;
}

/** The Content-Type to answer a Table request with. */
export function tableContentType(version: 'v1' | 'v1beta1'): string {
  return `application/json;as=Table;v=${version};g=meta.k8s.io`;
}
