/**
 * Pod addresses from the node's pod CIDR (IPv4), like host-local IPAM: the network address, the
 * first address (by convention the node's own in the range) and the broadcast address are never
 * given out, and allocation walks round the range so a released address is not reused at once
 * (a client that still holds it must not reach a new pod).
 */

/** `a.b.c.d` → 32-bit number. @throws Error for anything that is not a dotted IPv4 address */
export function ipv4ToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`"${ip}" is not an IPv4 address`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `a.b.c.d/len` into its first address and size. @throws Error when malformed */
export function parseCidr(cidr: string): { base: number; size: number; prefix: number } {
  const [ip, len] = cidr.split('/');
  const prefix = Number(len);
  if (ip === undefined || len === undefined || !/^\d{1,2}$/.test(len) || prefix > 32) throw new Error(`"${cidr}" is not an IPv4 CIDR such as 127.21.1.0/24`);
  const size = 2 ** (32 - prefix);
  const base = ipv4ToNumber(ip) - (ipv4ToNumber(ip) % size);
  return { base, size, prefix };
}

export class PodIpAllocator {
  readonly cidr: string;
  readonly #base: number;
  readonly #first: number;
  readonly #last: number;
  readonly #used = new Set<number>();
  #next: number;

  /** @throws Error when `cidr` is malformed or leaves no address for pods */
  constructor(cidr: string) {
    const { base, size } = parseCidr(cidr);
    this.cidr = cidr;
    this.#base = base;
    this.#first = size >= 4 ? base + 2 : base;
    this.#last = size >= 4 ? base + size - 2 : base + size - 1;
    if (this.#last < this.#first) throw new Error(`pod CIDR ${cidr} has no address for pods`);
    this.#next = this.#first;
  }

  /** How many addresses pods can get. */
  get capacity(): number {
    return this.#last - this.#first + 1;
  }

  /** Takes a free address. @throws Error when none is left */
  allocate(): string {
    const span = this.capacity;
    for (let i = 0; i < span; i++) {
      const candidate = this.#first + ((this.#next - this.#first + i) % span);
      if (!this.#used.has(candidate)) {
        this.#used.add(candidate);
        this.#next = candidate + 1 > this.#last ? this.#first : candidate + 1;
        return numberToIpv4(candidate);
      }
    }
    throw new Error(`no free address left in pod CIDR ${this.cidr}`);
  }

  /** Marks `ip` taken (a pod recovered after a restart); false when it is outside the range. */
  reserve(ip: string): boolean {
    let n: number;
    try {
      n = ipv4ToNumber(ip);
    } catch {
      return false;
    }
    if (n < this.#first || n > this.#last) return false;
    this.#used.add(n);
    return true;
  }

  release(ip: string): void {
    try {
      this.#used.delete(ipv4ToNumber(ip));
    } catch {
      // Not an address of ours.
    }
  }

  /** The node's own address in the range (the first usable one), e.g. 127.21.1.1. */
  get gateway(): string {
    return numberToIpv4(this.#base + 1);
  }
}
