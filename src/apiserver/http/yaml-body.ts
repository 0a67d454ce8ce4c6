/**
 * Decoding YAML request bodies (apply patches are YAML, and JSON is YAML; creates and updates
 * may be sent as application/yaml): the value, and the keys a mapping repeats (for field
 * validation; the last value wins, as in JSON). YAML 1.1 scalars, as upstream's decoder reads
 * them (`yes` is true), except that timestamps stay the strings they are written as, as
 * upstream's decoder keeps them (a JSON value has no date type). The `yaml` package is loaded
 * on the first YAML body, so a process that never gets one does not carry it.
 */
import type * as Yaml from 'yaml';
import { findDuplicateKeys } from '../../util/json-duplicate-keys.ts';
import { badRequest } from '../errors.ts';

export interface DecodedYaml {
  readonly value: unknown;
  /** Paths of repeated keys, e.g. `metadata.name`, `spec.containers[0].image`. */
  readonly duplicates: string[];
}

function keyText(yaml: typeof Yaml, node: unknown): string {
  if (yaml.isScalar(node)) return String(node.value);
  return String(node);
}

function collectDuplicates(yaml: typeof Yaml, node: Yaml.Node | null | undefined, path: string, out: string[]): void {
  if (yaml.isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = keyText(yaml, pair.key);
      const child = path === '' ? key : `${path}.${key}`;
      if (seen.has(key)) out.push(child);
      seen.add(key);
      collectDuplicates(yaml, pair.value as Yaml.Node | null, child, out);
    }
  } else if (yaml.isSeq(node)) {
    node.items.forEach((item, i) => collectDuplicates(yaml, item as Yaml.Node | null, `${path}[${i}]`, out));
  }
}

const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

/** `text` parsed as JSON when it is JSON (the common case: clients send apply patches as JSON), else undefined. */
function asJson(text: string): DecodedYaml | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return { value: JSON.parse(text) as unknown, duplicates: findDuplicateKeys(text) };
  } catch {
    // YAML flow style that is not JSON: the YAML parser reads it.
    return undefined;
  }
}

/**
 * Decodes one YAML document; malformed YAML (or more than one document) is 400. A JSON
 * document is read as JSON, which is faster, nests as deep as a JSON body may, and needs no
 * YAML parser.
 */
export async function decodeYaml(text: string): Promise<DecodedYaml> {
  const json = asJson(text);
  if (json !== undefined) return json;
  const yaml = await import('yaml');
  const doc = yaml.parseDocument(text, {
    uniqueKeys: false,
    version: '1.1',
    prettyErrors: false,
    customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== TIMESTAMP_TAG),
  });
  if (doc.errors.length > 0) throw badRequest(`error decoding YAML: ${doc.errors[0]!.message}`);
  const duplicates: string[] = [];
  collectDuplicates(yaml, doc.contents, '', duplicates);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  return { value, duplicates };
}
