/**
 * Resource quantities (`500m`, `1.5Gi`, `2e3`), parsed exactly into integer nano-units so they
 * can be summed and compared without floating-point error.
 */

const BINARY: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The quantity in nano-units (1 = 1e-9), or undefined when `s` is not a quantity. Sub-nano digits are rounded up. */
export function parseQuantity(s: string): bigint | undefined {
  const m = QUANTITY.exec(s.trim());
  if (m === null) return undefined;
  const [, sign, number, suffix = ''] = m;
  const [whole = '', fraction = ''] = number!.split('.');
  const digits = BigInt(`${whole}${fraction}` || '0');
  // value = digits × 10^(−fraction.length) × multiplier; in nano-units multiply by 10^9.
  let exponent = 9 - fraction.length;
  let multiplier = 1n;
  if (suffix in BINARY) multiplier = BINARY[suffix]!;
  else if (suffix in DECIMAL_EXPONENT) exponent += DECIMAL_EXPONENT[suffix]!;
  else exponent += Number(suffix.slice(1));
  let value = digits * multiplier;
  if (exponent >= 0) value *= 10n ** BigInt(exponent);
  else {
    const divisor = 10n ** BigInt(-exponent);
    value = (value + divisor - 1n) / divisor;
  }
  return sign === '-' ? -value : value;
}

const BINARY_SUFFIXES: readonly [string, bigint][] = [['Ei', 1n << 60n], ['Pi', 1n << 50n], ['Ti', 1n << 40n], ['Gi', 1n << 30n], ['Mi', 1n << 20n], ['Ki', 1n << 10n]];
const DECIMAL_SUFFIXES: readonly [string, bigint][] = [
  ['E', 10n ** 27n], ['P', 10n ** 24n], ['T', 10n ** 21n], ['G', 10n ** 18n], ['M', 10n ** 15n], ['k', 10n ** 12n], ['', 10n ** 9n], ['m', 10n ** 6n], ['u', 10n ** 3n], ['n', 1n],
];

/**
 * A nano-unit amount in the canonical text Kubernetes prints for sums of quantities: whole
 * multiples of 1024 with a binary suffix when `binary` (memory: `128Mi`), otherwise the largest
 * decimal suffix that keeps the number whole (cpu: `250m`, `2`; `1500m` rather than `1.5`).
 */
export function formatQuantity(nanos: bigint, binary: boolean): string {
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  if (binary && abs % 1_000_000_000n === 0n) {
    const units = abs / 1_000_000_000n;
    for (const [suffix, size] of BINARY_SUFFIXES) if (units % size === 0n) return `${sign}${units / size}${suffix}`;
  }
  for (const [suffix, size] of DECIMAL_SUFFIXES) if (abs % size === 0n) return `${sign}${abs / size}${suffix}`;
  return `${sign}${abs}n`;
}
