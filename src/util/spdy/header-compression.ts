/**
 * SPDY/3 header compression: each direction of a session is one zlib stream, primed with the
 * SPDY/3 dictionary, that every header block of that direction continues; each block ends with
 * a sync flush so the peer can decode it at once. Blocks are compressed and decompressed
 * strictly in the order they are given (the shared zlib state depends on it).
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { SpdyProtocolError } from './frames.ts';

/** Runs one zlib transform step: writes `input`, sync-flushes, and returns what came out. */
function step(stream: Deflate | Inflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
    };
    const onError = (err: Error): void => {
      stream.off('data', onData);
      reject(err);
    };
    stream.on('data', onData);
    stream.once('error', onError);
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      stream.off('error', onError);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** A queue that runs one zlib step at a time, in call order. */
class Serial {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn, fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** The compressing side (one per session, for the blocks this side sends). */
export class HeaderCompressor {
  readonly #deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
  readonly #serial = new Serial();

  /** The compressed form of `block` (a laid-out header block). */
  compress(block: Buffer): Promise<Buffer> {
    return this.#serial.run(() => step(this.#deflate, block));
  }

  close(): void {
    this.#deflate.destroy();
  }
}

/** The decompressing side (one per session, for the blocks the peer sends). */
export class HeaderDecompressor {
  readonly #inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
  readonly #serial = new Serial();
  #failed: Error | undefined;

  /**
   * The laid-out header block `compressed` holds.
   * @throws SpdyProtocolError when it is not valid compressed data (the session cannot go on)
   */
  decompress(compressed: Buffer): Promise<Buffer> {
    return this.#serial.run(async () => {
      if (this.#failed !== undefined) throw this.#failed;
      try {
        return await step(this.#inflate, compressed);
      } catch (err) {
        this.#failed = new SpdyProtocolError(`cannot decompress a header block: ${(err as Error).message}`);
        throw this.#failed;
      }
    });
  }

  close(): void {
    this.#inflate.destroy();
  }
}
