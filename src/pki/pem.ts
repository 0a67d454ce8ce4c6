/**
 * PEM (RFC 7468) encoding and decoding: DER bytes between `-----BEGIN <label>-----` and
 * `-----END <label>-----` lines, base64 in lines of 64 characters.
 */

/** One PEM block: its label (`CERTIFICATE`, `PRIVATE KEY`, ...) and its DER bytes. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

/** Encodes DER bytes as one PEM block ending in a newline. */
export function encodePem(der: Uint8Array | ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\s]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order; text outside the blocks is ignored. */
export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1] ?? '';
    const body = (match[2] ?? '').replace(/\s+/g, '');
    blocks.push({ label, der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return blocks;
}

/**
 * The DER bytes of the first block labelled `label`.
 * @throws Error naming `what` (e.g. a file path) when there is no such block
 */
export function decodeFirstPem(text: string, label: string, what = 'PEM text'): Uint8Array {
  const block = decodePem(text).find((b) => b.label === label);
  if (block === undefined) throw new Error(`${what} holds no "${label}" PEM block`);
  return block.der;
}
