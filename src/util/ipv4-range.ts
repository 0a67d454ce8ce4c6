/**
 * IPv4 CIDR ranges as integers: parsing `a.b.c.d/n`, the addresses a range holds, and
 * conversion between dotted quads and numbers. No domain knowledge (the service allocator and
 * the address plan build on it).
 */

/** An IPv4 range: `first` is the network address, `last` the broadcast address (as numbers). */
export interface Ipv4Range {
  /** The range as written canonically, e.g. `127.11.1.0/24`. */
  readonly cidr: string;
  readonly prefixLength: number;
  readonly first: number;
  readonly last: number;
}

/** The number of a dotted-quad IPv4 address, or undefined when `text` is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** The dotted quad of an address number. */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/**
 * Parses `a.b.c.d/n`. Host bits may be set (`10.0.0.5/24` means `10.0.0.0/24`, as Go's
 * net.ParseCIDR reads it).
 * @throws Error naming what is wrong with `text`
 */
export function parseIpv4Cidr(text: string): Ipv4Range {
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(`invalid CIDR "${text}": expected an address and a prefix length, e.g. 127.11.1.0/24`);
  const address = parseIpv4(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (address === undefined) throw new Error(`invalid CIDR "${text}": "${text.slice(0, slash)}" is not an IPv4 address`);
  if (!/^\d{1,2}$/.test(lengthText) || Number(lengthText) > 32) throw new Error(`invalid CIDR "${text}": the prefix length must be 0-32`);
  const prefixLength = Number(lengthText);
  const size = 2 ** (32 - prefixLength);
  const first = address - (address % size);
  return { cidr: `${formatIpv4(first)}/${prefixLength}`, prefixLength, first, last: first + size - 1 };
}

/** Whether `address` (a number) lies in `range`. */
export function ipv4RangeContains(range: Ipv4Range, address: number): boolean {
  return address >= range.first && address <= range.last;
}
