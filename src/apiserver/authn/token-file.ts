/**
 * The static token file: CSV lines `token,user,uid,"group1,group2"` (the format of
 * kube-apiserver's --token-auth-file). Blank lines and lines starting with # are ignored.
 */
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';

export interface TokenEntry {
  readonly name: string;
  readonly uid: string;
  readonly groups: readonly string[];
}

export interface TokenFile {
  lookup(token: string): TokenEntry | undefined;
}

/** Splits one CSV line, honouring double quotes. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** Parses token-file text; throws an Error naming the line on malformed input. */
export function parseTokenFile(text: string, source = 'token file'): TokenFile {
  const entries: Array<{ token: Buffer; entry: TokenEntry }> = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = splitCsv(line);
    if (fields.length < 3 || fields[0] === '' || fields[1] === '') {
      throw new Error(`${source}:${index + 1}: expected "token,user,uid[,\\"group1,group2\\"]"`);
    }
    const groups = (fields[3] ?? '').split(',').map((g) => g.trim()).filter((g) => g !== '');
    entries.push({ token: Buffer.from(fields[0]!), entry: { name: fields[1]!, uid: fields[2]!, groups } });
  });
  return {
    lookup(token) {
      const candidate = Buffer.from(token);
      // Constant-time comparison per entry so response time does not reveal a token's prefix.
      for (const { token: known, entry } of entries) {
        if (known.length === candidate.length && timingSafeEqual(known, candidate)) return entry;
      }
      return undefined;
    },
  };
}

export function loadTokenFile(path: string): TokenFile {
  return parseTokenFile(readFileSync(path, 'utf8'), path);
}
