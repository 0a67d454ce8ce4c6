/**
 * The label selector string syntax, as `?labelSelector=` and `kubectl -l` use it:
 *
 *   selector    ::= requirement ( "," requirement )*
 *   requirement ::= [ "!" ] KEY [ ( "=" | "==" | "!=" | ">" | "<" ) VALUE | ( "in" | "notin" ) "(" VALUES ")" ]
 *
 * Whitespace separates tokens and is otherwise ignored; `in`/`notin` are keywords only where an
 * operator is expected. Keys must be qualified names and values label values. Parse errors
 * carry upstream's wording (`unable to parse requirement: found '', expected: identifier`).
 */
import { isLabelValue, isQualifiedName } from '../validation/names.ts';
import type { Operator, Requirement, Selector } from './requirement.ts';
import { sortByKey } from './requirement.ts';

/** A malformed label selector; the message is fit for a 400 response. */
export class SelectorParseError extends Error {
  override name = 'SelectorParseError';
}

type TokenKind =
  | 'end'
  | 'identifier'
  | 'closePar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Token {
  readonly kind: TokenKind;
  readonly literal: string;
}

const LITERAL_TOKENS: Readonly<Record<string, TokenKind>> = {
  ')': 'closePar',
  ',': 'comma',
  '!': 'doesNotExist',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
};

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecial(ch: string): boolean {
  return '=!(),><'.includes(ch);
}

/** Splits the input into tokens, ending with an `end` token. */
function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos]!)) pos++;
    if (pos >= input.length) {
      tokens.push({ kind: 'end', literal: '' });
      return tokens;
    }
    const ch = input[pos]!;
    if (isSpecial(ch)) {
      // Every special character is an operator on its own; take the two-character form when
      // there is one (`==`, `!=`), so `===` reads as `==` then `=`.
      const pair = ch + (input[pos + 1] ?? '');
      const literal = LITERAL_TOKENS[pair] !== undefined ? pair : ch;
      tokens.push({ kind: LITERAL_TOKENS[literal]!, literal });
      pos += literal.length;
      continue;
    }
    let word = '';
    while (pos < input.length && !isSpecial(input[pos]!) && !isWhitespace(input[pos]!)) word += input[pos++];
    tokens.push({ kind: LITERAL_TOKENS[word] ?? 'identifier', literal: word });
  }
}

class Parser {
  readonly #tokens: Token[];
  #pos = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  /** The next token; in a value position `in`/`notin` are plain identifiers. */
  peek(values: boolean): Token {
    const t = this.#tokens[Math.min(this.#pos, this.#tokens.length - 1)]!;
    return values && (t.kind === 'in' || t.kind === 'notIn') ? { kind: 'identifier', literal: t.literal } : t;
  }

  next(values: boolean): Token {
    const t = this.peek(values);
    this.#pos++;
    return t;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const t = this.peek(true);
      if (t.kind === 'end') return requirements;
      if (t.kind !== 'identifier' && t.kind !== 'doesNotExist') {
        throw new SelectorParseError(`found '${t.literal}', expected: !, identifier, or 'end of string'`);
      }
      requirements.push(this.requirement());
      const after = this.next(true);
      if (after.kind === 'end') return requirements;
      if (after.kind !== 'comma') throw new SelectorParseError(`found '${after.literal}', expected: ',' or 'end of string'`);
      const following = this.peek(true);
      if (following.kind !== 'identifier' && following.kind !== 'doesNotExist') {
        throw new SelectorParseError(`found '${following.literal}', expected: identifier after ','`);
      }
    }
  }

  requirement(): Requirement {
    try {
      let negated = false;
      let t = this.next(true);
      if (t.kind === 'doesNotExist') {
        negated = true;
        t = this.next(true);
      }
      if (t.kind !== 'identifier') throw new SelectorParseError(`found '${t.literal}', expected: identifier`);
      const key = t.literal;
      checkKey(key);
      // `!key` takes no operator; anything after it is reported by the caller as misplaced.
      if (negated) return newRequirement(key, '!', []);
      const ahead = this.peek(true).kind;
      if (ahead === 'end' || ahead === 'comma') return newRequirement(key, 'exists', []);
      const operator = this.operator();
      const values = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
      return newRequirement(key, operator, values);
    } catch (err) {
      if (err instanceof SelectorParseError) throw new SelectorParseError(`unable to parse requirement: ${err.message}`);
      throw err;
    }
  }

  operator(): Operator {
    const t = this.next(false);
    switch (t.kind) {
      case 'in':
        return 'in';
      case 'notIn':
        return 'notin';
      case 'equals':
        return '=';
      case 'doubleEquals':
        return '==';
      case 'notEquals':
        return '!=';
      case 'greaterThan':
        return 'gt';
      case 'lessThan':
        return 'lt';
      default:
        throw new SelectorParseError(`found '${t.literal}', expected: ${BINARY_OPERATORS}`);
    }
  }

  valueSet(): string[] {
    const open = this.next(true);
    if (open.kind !== 'openPar') throw new SelectorParseError(`found '${open.literal}' expected: '('`);
    const first = this.peek(true);
    if (first.kind === 'closePar') {
      this.next(true);
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== 'comma') {
      throw new SelectorParseError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    const values = new Set<string>();
    for (;;) {
      const t = this.next(true);
      if (t.kind === 'identifier') {
        values.add(t.literal);
        const after = this.peek(true);
        if (after.kind === 'comma') continue;
        if (after.kind === 'closePar') break;
        throw new SelectorParseError(`found '${after.literal}', expected: ',' or ')'`);
      }
      if (t.kind === 'comma') {
        // Empty entries (`(,a)`, `(a,,b)`, `(a,)`) stand for the empty value.
        if (values.size === 0) values.add('');
        const after = this.peek(true);
        if (after.kind === 'closePar') {
          values.add('');
          break;
        }
        if (after.kind === 'comma') values.add('');
        continue;
      }
      throw new SelectorParseError(`found '${t.literal}', expected: ',', or identifier`);
    }
    const close = this.next(true);
    if (close.kind !== 'closePar') throw new SelectorParseError(`found '${close.literal}', expected: ')'`);
    return [...values];
  }

  exactValue(): string[] {
    const ahead = this.peek(true);
    if (ahead.kind === 'end' || ahead.kind === 'comma') return [''];
    const t = this.next(true);
    if (t.kind !== 'identifier') throw new SelectorParseError(`found '${t.literal}', expected: identifier`);
    return [t.literal];
  }
}

function checkKey(key: string): void {
  const msgs = isQualifiedName(key);
  if (msgs.length > 0) throw new SelectorParseError(`key: Invalid value: ${JSON.stringify(key)}: ${msgs.join('; ')}`);
}

/**
 * Builds a requirement after checking it as upstream's NewRequirement does: the key, the number
 * of values the operator takes, integer values for gt/lt, and each value's label syntax.
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const problems: string[] = [];
  const keyMsgs = isQualifiedName(key);
  if (keyMsgs.length > 0) problems.push(`key: Invalid value: ${JSON.stringify(key)}: ${keyMsgs.join('; ')}`);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) problems.push("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) problems.push('values: Invalid value: exact-match compatibility requires one single value');
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) problems.push('values: Invalid value: values set must be empty for exists and does not exist');
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) problems.push("values: Invalid value: for 'Gt', 'Lt' operators, exactly one value is required");
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) problems.push(`values[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      });
      break;
  }
  values.forEach((v, i) => {
    const msgs = isLabelValue(v);
    if (msgs.length > 0) problems.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${msgs.join('; ')}`);
  });
  if (problems.length > 0) throw new SelectorParseError(problems.length === 1 ? problems[0]! : `[${problems.join(', ')}]`);
  return { key, operator, values: [...new Set(values)].sort() };
}

/** Parses a label selector string; '' selects everything. Throws SelectorParseError. */
export function parseSelector(input: string): Selector {
  return sortByKey(new Parser(lex(input)).parse());
}
