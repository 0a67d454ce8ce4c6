/**
 * Field selectors (`?fieldSelector=`): comma-joined `field=value`, `field==value` or
 * `field!=value` terms. In values a backslash escapes `\`, `,` and `=`; those characters may not
 * appear unescaped. Which fields exist is up to each kind: `checkFieldsSupported` reports the
 * first unknown one with upstream's message, which the server answers with 400.
 */

/** A malformed or unsupported field selector; the message is fit for a 400 response. */
export class FieldSelectorError extends Error {
  override name = 'FieldSelectorError';
}

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  /** The unescaped value. */
  readonly value: string;
}

/** Splits on commas that are not escaped; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator in the term splits it: `!=`, then `==`, then `=` at each position. */
function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** Removes value escapes; rejects unknown escapes and unescaped `,` or `=`. */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      // Upstream prints the character's code point here.
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** A value escaped for a selector term (`a,b` → `a\,b`): the inverse of `unescapeValue`. */
export function escapeValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Parses a field selector; '' selects everything. Throws FieldSelectorError. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(selector).sort()) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (parts === undefined) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    requirements.push({ field: parts.lhs, operator: parts.op === '!=' ? '!=' : '=', value: unescapeValue(parts.rhs) });
  }
  return requirements;
}

/** Throws `field label not supported: <name>` for the first field `supported` rejects. */
export function checkFieldsSupported(requirements: readonly FieldRequirement[], supported: (field: string) => boolean): void {
  for (const r of requirements) {
    if (!supported(r.field)) throw new FieldSelectorError(`field label not supported: ${r.field}`);
  }
}

/** Whether every requirement holds; a field the accessor does not know reads as ''. */
export function fieldsMatch(requirements: readonly FieldRequirement[], get: (field: string) => string | undefined): boolean {
  return requirements.every((r) => ((get(r.field) ?? '') === r.value) === (r.operator === '='));
}
