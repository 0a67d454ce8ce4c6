/**
 * The subset of Kubernetes JSONPath that printer columns and selectable fields use: a path of
 * field steps and subscripts evaluated against an object, yielding every value it reaches.
 *
 *   .spec.replicas                      field steps
 *   .metadata.labels['app.kubernetes.io/name']   quoted keys
 *   .spec.containers[0].image  [*]  .*  index (negative counts from the end), wildcards
 *   .status.conditions[?(@.type=="Ready")].status   filters: @.path ==|!= literal, or @.path alone
 *
 * Anything else (recursive descent, slices, functions, several expressions) is refused by
 * `parseJsonPath` with a JsonPathError naming what is wrong.
 */

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

type Literal = string | number | boolean | null;

/** One step of a path. */
export type JsonPathStep =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'filter'; readonly path: readonly JsonPathStep[]; readonly op: '==' | '!=' | 'exists'; readonly value: Literal };

export interface JsonPath {
  /** The text it was parsed from. */
  readonly source: string;
  readonly steps: readonly JsonPathStep[];
}

const NAME = /^[A-Za-z0-9_$\-/]+/;

class Parser {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  fail(what: string): never {
    throw new JsonPathError(`${what} at position ${this.#pos} of ${JSON.stringify(this.#text)}`);
  }

  get done(): boolean {
    return this.#pos >= this.#text.length;
  }

  peek(n = 1): string {
    return this.#text.slice(this.#pos, this.#pos + n);
  }

  skipSpaces(): void {
    while (this.peek() === ' ') this.#pos++;
  }

  expect(s: string): void {
    if (this.peek(s.length) !== s) this.fail(`expected ${JSON.stringify(s)}`);
    this.#pos += s.length;
  }

  /** Steps until the end of the text, or until `stop` (a filter's closing parenthesis). */
  steps(stop?: RegExp): JsonPathStep[] {
    const steps: JsonPathStep[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.done || (stop !== undefined && stop.test(this.peek()))) return steps;
      const c = this.peek();
      if (c === '.') {
        this.#pos++;
        if (this.peek() === '.') this.fail('recursive descent (..) is not supported');
        if (this.peek() === '*') {
          this.#pos++;
          steps.push({ kind: 'wildcard' });
          continue;
        }
        const m = NAME.exec(this.#text.slice(this.#pos));
        if (m === null) {
          // A lone trailing "." (the path ".") selects the value itself.
          if (this.done || (stop !== undefined && stop.test(this.peek()))) return steps;
          this.fail('expected a field name');
        }
        this.#pos += m[0].length;
        steps.push({ kind: 'field', name: m[0] });
      } else if (c === '[') {
        steps.push(this.subscript());
      } else {
        this.fail(`unexpected ${JSON.stringify(c)}`);
      }
    }
  }

  subscript(): JsonPathStep {
    this.expect('[');
    this.skipSpaces();
    let step: JsonPathStep;
    const c = this.peek();
    if (c === '*') {
      this.#pos++;
      step = { kind: 'wildcard' };
    } else if (c === "'" || c === '"') {
      step = { kind: 'field', name: this.quoted() };
    } else if (c === '?') {
      step = this.filter();
    } else {
      const m = /^-?\d+/.exec(this.#text.slice(this.#pos));
      if (m === null) this.fail('expected an index, a quoted key, * or a filter');
      this.#pos += m[0].length;
      this.skipSpaces();
      if (this.peek() === ':') this.fail('slices are not supported');
      step = { kind: 'index', index: Number(m[0]) };
    }
    this.skipSpaces();
    this.expect(']');
    return step;
  }

  quoted(): string {
    const quote = this.peek();
    this.#pos++;
    let out = '';
    while (!this.done && this.peek() !== quote) {
      if (this.peek() === '\\') this.#pos++;
      out += this.peek();
      this.#pos++;
    }
    this.expect(quote);
    return out;
  }

  filter(): JsonPathStep {
    this.expect('?');
    this.skipSpaces();
    this.expect('(');
    this.skipSpaces();
    this.expect('@');
    const path = this.steps(/[ =!)]/);
    this.skipSpaces();
    let op: '==' | '!=' | 'exists' = 'exists';
    let value: Literal = null;
    if (this.peek(2) === '==' || this.peek(2) === '!=') {
      op = this.peek(2) as '==' | '!=';
      this.#pos += 2;
      this.skipSpaces();
      value = this.literal();
      this.skipSpaces();
    }
    this.expect(')');
    return { kind: 'filter', path, op, value };
  }

  literal(): Literal {
    const c = this.peek();
    if (c === "'" || c === '"') return this.quoted();
    const m = /^(-?\d+(?:\.\d+)?|true|false|null)/.exec(this.#text.slice(this.#pos));
    if (m === null) this.fail('expected a string, number, true, false or null');
    this.#pos += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]);
  }
}

/**
 * Parses a JSONPath such as `.spec.replicas`; the `{...}` template braces kubectl users write
 * are accepted around it. Throws JsonPathError for anything outside the supported subset.
 */
export function parseJsonPath(text: string): JsonPath {
  let body = text.trim();
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1).trim();
  if (body.startsWith('$')) body = body.slice(1);
  if (!body.startsWith('.') && !body.startsWith('[')) throw new JsonPathError(`${JSON.stringify(text)} must start with "."`);
  return { source: text, steps: new Parser(body).steps() };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function apply(step: JsonPathStep, value: unknown): unknown[] {
  switch (step.kind) {
    case 'field':
      return isRecord(value) && value[step.name] !== undefined ? [value[step.name]] : [];
    case 'index': {
      if (!Array.isArray(value)) return [];
      const i = step.index < 0 ? value.length + step.index : step.index;
      return i >= 0 && i < value.length ? [value[i]] : [];
    }
    case 'wildcard':
      if (Array.isArray(value)) return value;
      return isRecord(value) ? Object.keys(value).sort().map((k) => value[k]) : [];
    case 'filter': {
      const items = Array.isArray(value) ? value : isRecord(value) ? [value] : [];
      return items.filter((item) => {
        const found = evaluateSteps(step.path, item);
        if (step.op === 'exists') return found.length > 0;
        const equal = found.some((v) => v === step.value);
        return step.op === '==' ? equal : found.length > 0 && !equal;
      });
    }
  }
}

function evaluateSteps(steps: readonly JsonPathStep[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) current = current.flatMap((v) => apply(step, v));
  return current;
}

/** Every value `path` reaches in `root`, in document order (empty when it reaches nothing). */
export function evaluateJsonPath(path: JsonPath, root: unknown): unknown[] {
  return evaluateSteps(path.steps, root);
}

/**
 * The fields of a simple dotted path (`.spec.replicas` → ['spec', 'replicas']), as the scale
 * subresource paths are written; undefined when the path is not of that form.
 */
export function simplePathFields(path: string): string[] | undefined {
  if (!path.startsWith('.') || path.length < 2) return undefined;
  const fields = path.slice(1).split('.');
  return fields.every((f) => f !== '' && !/[[\]]/.test(f)) ? fields : undefined;
}
