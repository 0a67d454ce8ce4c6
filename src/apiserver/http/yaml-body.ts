/**
 * Decoding YAML request bodies (apply patches are YAML, and JSON is YAML): the value, and the
 * keys a mapping repeats (for field validation; the last value wins, as in JSON). YAML 1.1
 * scalars, as upstream's decoder reads them (`yes` is true), except that a plain scalar that
 * looks like a timestamp stays a string, as upstream keeps it: the result must be JSON, and
 * `2024-01-01` in an annotation is text, not a date to re-format.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type Tags } from 'yaml';
import { badRequest } from '../errors.ts';

export interface DecodedYaml {
  readonly value: unknown;
  /** Paths of repeated keys, e.g. `metadata.name`, `spec.containers[0].image`. */
  readonly duplicates: string[];
}

function keyText(node: unknown): string {
  if (isScalar(node)) return String(node.value);
  return String(node);
}

function collectDuplicates(node: Node | null | undefined, path: string, out: string[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = keyText(pair.key);
      const child = path === '' ? key : `${path}.${key}`;
      if (seen.has(key)) out.push(child);
      seen.add(key);
      collectDuplicates(pair.value as Node | null, child, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => collectDuplicates(item as Node | null, `${path}[${i}]`, out));
  }
}

const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

/** The YAML 1.1 tags without the timestamp one. */
function withoutTimestamps(tags: Tags): Tags {
  return tags.filter((t) => typeof t === 'string' || t.tag !== TIMESTAMP_TAG);
}

/** Decodes one YAML document; malformed YAML (or more than one document) is 400. */
export function decodeYaml(text: string): DecodedYaml {
  const doc = parseDocument(text, { uniqueKeys: false, version: '1.1', prettyErrors: false, customTags: withoutTimestamps });
  if (doc.errors.length > 0) throw badRequest(`error decoding YAML: ${doc.errors[0]!.message}`);
  const duplicates: string[] = [];
  collectDuplicates(doc.contents, '', duplicates);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  return { value, duplicates };
}
