/**
 * `$(VAR)` expansion in env values, command and args, with Kubernetes' rules: `$(NAME)` becomes
 * NAME's value when NAME is defined and stays as written when it is not; `$$` is an escaped `$`
 * (so `$$(NAME)` gives the literal `$(NAME)`); any other `$` is kept as is.
 */

/** Expands `input` with `lookup` (undefined: the variable is not defined). */
export function expandVariables(input: string, lookup: (name: string) => string | undefined): string {
  if (!input.includes('$')) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        // An unterminated reference is kept literally.
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = name === '' ? undefined : lookup(name);
      out += value ?? `$(${name})`;
      i = close + 1;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}
