/**
 * The random suffix of generated names (`generateName`, a pod's `kube-api-access-<suffix>`
 * volume): five characters without vowels or confusable characters, as upstream.
 */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const NAME_SUFFIX_LENGTH = 5;

export function randomNameSuffix(): string {
  let s = '';
  for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) s += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return s;
}
