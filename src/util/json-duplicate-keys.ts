/**
 * Finds duplicate object keys in JSON text (JSON.parse silently keeps the last one). Returns the
 * dotted paths of the duplicates, e.g. `metadata.name`, in document order. Assumes the text is
 * valid JSON (parse it first); it only tracks structure, strings and keys.
 */
export function findDuplicateKeys(text: string): string[] {
  const duplicates: string[] = [];
  // One frame per open container: for objects, the keys seen so far and the pending key.
  const stack: Array<{ isObject: boolean; keys: Set<string>; path: string; key: string | undefined; index: number }> = [];
  let expectKey = false;
  let i = 0;
  const pathOf = (frame: (typeof stack)[number] | undefined): string => {
    if (frame === undefined) return '';
    const own = frame.isObject ? frame.key ?? '' : `[${frame.index}]`;
    if (frame.path === '') return own;
    return frame.isObject ? `${frame.path}.${own}` : `${frame.path}${own}`;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      let raw = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          raw += text.slice(j, j + 2);
          j += 2;
        } else raw += text[j++];
      }
      const top = stack[stack.length - 1];
      if (expectKey && top?.isObject) {
        const key = JSON.parse(`"${raw}"`) as string;
        if (top.keys.has(key)) duplicates.push(top.path === '' ? key : `${top.path}.${key}`);
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      stack.push({ isObject: c === '{', keys: new Set(), path: pathOf(parent), key: undefined, index: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.isObject) expectKey = true;
      else if (top !== undefined) top.index++;
    }
    i++;
  }
  return duplicates;
}
