/**
 * A SPDY/3.1 session over a byte transport (a socket, or a WebSocket as a stream), with its
 * streams as Node Duplex streams: what the peer sends on a stream is read from it, what is
 * written to it is sent as DATA frames, `end()` sends FIN, `destroy()` sends RST_STREAM.
 *
 * The session answers PINGs, keeps the shared header compression state of both directions, and
 * refuses new streams after a GOAWAY. Frames are handled strictly in arrival order and sent
 * strictly in the order they were queued (header compression depends on both).
 *
 * Flow control: this side returns WINDOW_UPDATEs for what it receives, so a peer that honours
 * windows never stalls. It honours the peer's windows itself only once the peer shows it uses
 * them (a WINDOW_UPDATE or an INITIAL_WINDOW_SIZE setting): spdystream, the Go library behind
 * kubectl and the kubelet, implements no flow control and never sends WINDOW_UPDATE, so holding
 * to the default 64 KiB window would stall every stream against it. Backpressure towards the
 * peer is TCP's: a stream whose reader is slow pauses the whole transport.
 *
 * Streams never emit an 'error' nobody handles: the session owns their failures. A stream ends
 * by closing ('close', with `reset` set when it was reset): a RST_STREAM from the peer (routine:
 * kubectl resets every port-forward stream it is done with), a refusal by the peer's GOAWAY and
 * the transport going away close it without an error (`replied()` rejects with the reason), and
 * an error that still reaches a stream (a write after its end, say) only destroys it.
 */
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { encodeFrame, FrameReader, GOAWAY_STATUS, RST_STATUS, SETTING_INITIAL_WINDOW_SIZE, SpdyProtocolError, type Frame } from './frames.ts';
import { decodeHeaderBlock, encodeHeaderBlock, type SpdyHeaders } from './header-block.ts';
import { HeaderCompressor, HeaderDecompressor } from './header-compression.ts';

/** The window every stream (and the session) starts with. */
export const DEFAULT_WINDOW = 64 * 1024;
/** DATA frames carry at most this much (small frames keep streams interleaved). */
const MAX_DATA_FRAME = 32 * 1024;

export interface SpdySessionOptions {
  /** Streams this side opens get odd ids as client, even ids as server. */
  readonly role: 'client' | 'server';
  /** Called for each stream the peer opens, with its headers; the callee replies to it or resets it. */
  readonly onStream?: (stream: SpdyStream) => void;
}

/** Headers as a caller gives them (names any case; several values as an array). */
export type HeadersInit = Readonly<Record<string, string | readonly string[]>>;

/** One stream of a session. */
export class SpdyStream extends Duplex {
  readonly id: number;
  /** The headers of the SYN_STREAM that opened it (the peer's, or ours). */
  readonly headers: SpdyHeaders;
  readonly #session: SpdySession;
  /** The peer's SYN_REPLY headers, or why none will come. */
  #reply: SpdyHeaders | Error | undefined;
  #replyWaiters: ((headers: SpdyHeaders | Error) => void)[] = [];
  /** We sent FIN. */
  localClosed = false;
  /** The peer sent FIN. */
  remoteClosed = false;
  /** Reset by either side. */
  reset = false;
  /** Bytes the peer still lets us send (only counted once the peer does flow control). */
  sendWindow: number;
  /** Bytes received since the last WINDOW_UPDATE we sent. */
  unacknowledged = 0;

  constructor(session: SpdySession, id: number, headers: SpdyHeaders, sendWindow: number) {
    super({ allowHalfOpen: true });
    this.#session = session;
    this.id = id;
    this.headers = headers;
    this.sendWindow = sendWindow;
    // A failed stream is destroyed and its 'close' follows, which is what users handle; an
    // unheard 'error' must not end the process (a kubelet may share it with the apiserver).
    this.on('error', () => undefined);
  }

  /** Sends SYN_REPLY (empty headers unless given). */
  reply(headers: HeadersInit = {}, fin = false): void {
    this.#session.sendReply(this, headers, fin);
  }

  /** Resolves with the peer's SYN_REPLY headers (for streams this side opened). */
  replied(): Promise<SpdyHeaders> {
    const reply = this.#reply;
    if (reply instanceof Error) return Promise.reject(reply);
    if (reply !== undefined) return Promise.resolve(reply);
    return new Promise((resolve, reject) => this.#replyWaiters.push((h) => (h instanceof Error ? reject(h) : resolve(h))));
  }

  /** @internal the session delivers the peer's SYN_REPLY, or the reason none will come (the first word counts) */
  onReply(headers: SpdyHeaders | Error): void {
    if (this.#reply !== undefined) return;
    this.#reply = headers;
    for (const waiter of this.#replyWaiters) waiter(headers);
    this.#replyWaiters = [];
  }

  /** Resets the stream (RST_STREAM with `status`) and destroys it. */
  resetStream(status: number = RST_STATUS.cancel): void {
    if (!this.reset && !(this.localClosed && this.remoteClosed)) this.#session.sendReset(this, status);
    this.reset = true;
    this.destroy();
  }

  override _read(): void {
    this.#session.resumeStream(this);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#session.sendData(this, chunk, false).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#session.sendData(this, Buffer.alloc(0), true).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.reset && !(this.localClosed && this.remoteClosed)) {
      this.reset = true;
      this.#session.sendReset(this, RST_STATUS.cancel);
    }
    this.onReply(new Error('stream closed before a reply'));
    this.#session.forget(this);
    callback(error);
  }
}

export class SpdySession extends EventEmitter {
  readonly #transport: Duplex;
  readonly #opts: SpdySessionOptions;
  readonly #reader = new FrameReader();
  readonly #compressor = new HeaderCompressor();
  readonly #decompressor = new HeaderDecompressor();
  readonly #streams = new Map<number, SpdyStream>();
  /** Streams whose reader is full: the transport stays paused while any is. */
  readonly #blocked = new Set<number>();
  #nextStreamId: number;
  #lastPeerStreamId = 0;
  #inbound: Promise<void> = Promise.resolve();
  #outbound: Promise<void> = Promise.resolve();
  #goneAway = false;
  #peerGoneAway = false;
  #closed = false;
  #peerFlowControl = false;
  #initialSendWindow = DEFAULT_WINDOW;
  #sessionSendWindow = DEFAULT_WINDOW;
  #sessionUnacknowledged = 0;
  readonly #windowWaiters = new Set<() => void>();

  constructor(transport: Duplex, opts: SpdySessionOptions) {
    super();
    this.#transport = transport;
    this.#opts = opts;
    this.#nextStreamId = opts.role === 'client' ? 1 : 2;
    transport.on('data', (chunk: Buffer) => this.#receive(chunk));
    transport.on('end', () => this.#teardown());
    transport.on('close', () => this.#teardown());
    transport.on('error', () => this.#teardown());
    // A transport handed over paused (an upgraded socket, a socket whose first bytes were read) flows from here.
    transport.resume();
  }

  /** Whether the transport is gone. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Streams open now. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /**
   * Opens a stream (SYN_STREAM). With `fin` this side sends nothing on it.
   * @throws Error after a GOAWAY from either side
   */
  openStream(headers: HeadersInit, opts: { fin?: boolean } = {}): SpdyStream {
    if (this.#closed || this.#goneAway || this.#peerGoneAway) throw new Error('SPDY session is going away: no new streams');
    const id = this.#nextStreamId;
    this.#nextStreamId += 2;
    const stream = new SpdyStream(this, id, decodeHeaderBlock(encodeHeaderBlock(headers)), this.#initialSendWindow);
    this.#streams.set(id, stream);
    void this.#queue(
      this.#compressor.compress(encodeHeaderBlock(headers)).then((headerBlock) =>
        encodeFrame({ type: 'syn_stream', streamId: id, associatedTo: 0, priority: 0, slot: 0, fin: opts.fin === true, unidirectional: false, headerBlock }),
      ),
    ).catch(() => undefined);
    if (opts.fin === true) {
      stream.localClosed = true;
      stream.end();
    }
    return stream;
  }

  /** Sends a PING (the peer answers it; this side does not wait). */
  ping(id: number): void {
    void this.#queue(encodeFrame({ type: 'ping', id })).catch(() => undefined);
  }

  /** Sends GOAWAY: no new streams either way; the streams open now go on. */
  goAway(status: number = GOAWAY_STATUS.ok): void {
    if (this.#goneAway || this.#closed) return;
    this.#goneAway = true;
    void this.#queue(encodeFrame({ type: 'goaway', lastGoodStreamId: this.#lastPeerStreamId, status })).catch(() => undefined);
  }

  /** Closes the transport; every stream is destroyed. */
  destroy(): void {
    this.#transport.destroy();
    this.#teardown();
  }

  /** Ends the session politely: GOAWAY, then the transport ends once what is queued is sent. */
  async end(): Promise<void> {
    this.goAway();
    await this.#outbound;
    this.#transport.end();
  }

  // --- used by SpdyStream --------------------------------------------------------------------

  /** @internal */
  sendReply(stream: SpdyStream, headers: HeadersInit, fin: boolean): void {
    void this.#queue(this.#compressor.compress(encodeHeaderBlock(headers)).then((headerBlock) => encodeFrame({ type: 'syn_reply', streamId: stream.id, fin, headerBlock }))).catch(
      () => undefined,
    );
    if (fin) {
      stream.localClosed = true;
      stream.end();
      this.#maybeForget(stream);
    }
  }

  /** @internal sends `data` as DATA frames (FIN on the last with `fin`), within the peer's windows when it keeps them */
  async sendData(stream: SpdyStream, data: Buffer, fin: boolean): Promise<void> {
    if (this.#closed) throw new Error('SPDY session closed');
    if (stream.reset) throw new Error('SPDY stream was reset');
    if (stream.localClosed) return;
    let offset = 0;
    do {
      let size = Math.min(MAX_DATA_FRAME, data.length - offset);
      if (this.#peerFlowControl && size > 0) {
        while (Math.min(stream.sendWindow, this.#sessionSendWindow) <= 0) {
          await new Promise<void>((resolve) => this.#windowWaiters.add(resolve));
          if (this.#closed || stream.reset) throw new Error('SPDY stream closed while waiting for its window');
        }
        size = Math.min(size, stream.sendWindow, this.#sessionSendWindow);
        stream.sendWindow -= size;
        this.#sessionSendWindow -= size;
      }
      const last = offset + size >= data.length;
      await this.#queue(encodeFrame({ type: 'data', streamId: stream.id, fin: fin && last, data: data.subarray(offset, offset + size) }));
      offset += size;
    } while (offset < data.length);
    if (fin) {
      stream.localClosed = true;
      this.#maybeForget(stream);
    }
  }

  /** @internal */
  sendReset(stream: SpdyStream, status: number): void {
    if (this.#closed) return;
    void this.#queue(encodeFrame({ type: 'rst_stream', streamId: stream.id, status })).catch(() => undefined);
  }

  /** @internal the stream's reader wants more: resume the transport if no stream is full */
  resumeStream(stream: SpdyStream): void {
    if (this.#blocked.delete(stream.id) && this.#blocked.size === 0 && !this.#closed) this.#transport.resume();
  }

  /** @internal */
  forget(stream: SpdyStream): void {
    this.#streams.delete(stream.id);
    this.resumeStream(stream);
  }

  // --- internals -----------------------------------------------------------------------------

  #maybeForget(stream: SpdyStream): void {
    if (stream.localClosed && stream.remoteClosed) this.#streams.delete(stream.id);
  }

  /** Queues bytes (or bytes still being compressed) for the transport, keeping queue order; resolves once written. */
  #queue(bytes: Buffer | Promise<Buffer>): Promise<void> {
    const written = this.#outbound.then(async () => {
      const buf = await bytes;
      if (this.#closed) throw new Error('SPDY session closed');
      if (!this.#transport.write(buf)) await new Promise<void>((resolve) => this.#transport.once('drain', resolve));
    });
    this.#outbound = written.catch(() => undefined);
    return written;
  }

  #receive(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.#reader.push(chunk);
    } catch (err) {
      this.#fail(err);
      return;
    }
    for (const frame of frames) {
      this.#inbound = this.#inbound.then(() => this.#handle(frame)).catch((err: unknown) => this.#fail(err));
    }
  }

  #fail(err: unknown): void {
    if (this.#closed) return;
    this.emit('protocolError', err);
    this.goAway(err instanceof SpdyProtocolError ? GOAWAY_STATUS.protocolError : GOAWAY_STATUS.internalError);
    void this.#outbound.then(() => this.destroy());
  }

  #isPeerId(id: number): boolean {
    return id % 2 === (this.#opts.role === 'client' ? 0 : 1);
  }

  async #handle(frame: Frame): Promise<void> {
    if (this.#closed) return;
    switch (frame.type) {
      case 'syn_stream': {
        // Always decompress, to keep the shared zlib state in step, even for a refused stream.
        const headers = decodeHeaderBlock(await this.#decompressor.decompress(frame.headerBlock));
        if (!this.#isPeerId(frame.streamId) || frame.streamId <= this.#lastPeerStreamId) {
          void this.#queue(encodeFrame({ type: 'rst_stream', streamId: frame.streamId, status: RST_STATUS.protocolError })).catch(() => undefined);
          return;
        }
        this.#lastPeerStreamId = frame.streamId;
        if (this.#goneAway) {
          void this.#queue(encodeFrame({ type: 'rst_stream', streamId: frame.streamId, status: RST_STATUS.refusedStream })).catch(() => undefined);
          return;
        }
        const stream = new SpdyStream(this, frame.streamId, headers, this.#initialSendWindow);
        this.#streams.set(frame.streamId, stream);
        if (frame.fin) {
          stream.remoteClosed = true;
          stream.push(null);
        }
        if (frame.unidirectional) {
          stream.localClosed = true;
          stream.end();
        }
        if (this.#opts.onStream === undefined) stream.resetStream(RST_STATUS.refusedStream);
        else this.#opts.onStream(stream);
        return;
      }
      case 'syn_reply': {
        const headers = decodeHeaderBlock(await this.#decompressor.decompress(frame.headerBlock));
        const stream = this.#streams.get(frame.streamId);
        if (stream === undefined) return;
        stream.onReply(headers);
        if (frame.fin) this.#remoteFin(stream);
        return;
      }
      case 'headers': {
        await this.#decompressor.decompress(frame.headerBlock);
        const stream = this.#streams.get(frame.streamId);
        if (stream !== undefined && frame.fin) this.#remoteFin(stream);
        return;
      }
      case 'data': {
        const stream = this.#streams.get(frame.streamId);
        this.#acknowledge(stream, frame.data.length);
        if (stream === undefined || stream.remoteClosed) return;
        if (frame.data.length > 0 && !stream.push(frame.data)) {
          this.#blocked.add(stream.id);
          this.#transport.pause();
        }
        if (frame.fin) this.#remoteFin(stream);
        return;
      }
      case 'rst_stream': {
        const stream = this.#streams.get(frame.streamId);
        if (stream === undefined) return;
        stream.reset = true;
        stream.onReply(new Error(`stream ${frame.streamId} reset by the peer (status ${frame.status})`));
        stream.destroy();
        return;
      }
      case 'settings':
        for (const entry of frame.entries) {
          if (entry.id !== SETTING_INITIAL_WINDOW_SIZE) continue;
          const delta = entry.value - this.#initialSendWindow;
          this.#initialSendWindow = entry.value;
          this.#peerFlowControl = true;
          for (const s of this.#streams.values()) s.sendWindow += delta;
          this.#wakeWriters();
        }
        return;
      case 'ping':
        // The peer's pings (its parity) are echoed; answers to ours need nothing.
        if (this.#isPeerId(frame.id)) void this.#queue(encodeFrame(frame)).catch(() => undefined);
        return;
      case 'goaway':
        this.#peerGoneAway = true;
        for (const stream of this.#streams.values()) {
          if (this.#isPeerId(stream.id) || stream.id <= frame.lastGoodStreamId) continue;
          stream.onReply(new Error('stream refused by the peer going away'));
          stream.destroy();
        }
        return;
      case 'window_update':
        this.#peerFlowControl = true;
        if (frame.streamId === 0) this.#sessionSendWindow += frame.delta;
        else {
          const stream = this.#streams.get(frame.streamId);
          if (stream !== undefined) stream.sendWindow += frame.delta;
        }
        this.#wakeWriters();
        return;
      case 'unknown':
        return;
    }
  }

  #remoteFin(stream: SpdyStream): void {
    if (stream.remoteClosed) return;
    stream.remoteClosed = true;
    stream.push(null);
    this.#maybeForget(stream);
  }

  /** Returns window for received data, in batches of half a window (stream and session). */
  #acknowledge(stream: SpdyStream | undefined, bytes: number): void {
    if (bytes === 0) return;
    this.#sessionUnacknowledged += bytes;
    if (this.#sessionUnacknowledged >= DEFAULT_WINDOW / 2) {
      void this.#queue(encodeFrame({ type: 'window_update', streamId: 0, delta: this.#sessionUnacknowledged })).catch(() => undefined);
      this.#sessionUnacknowledged = 0;
    }
    if (stream === undefined || stream.remoteClosed) return;
    stream.unacknowledged += bytes;
    if (stream.unacknowledged >= DEFAULT_WINDOW / 2) {
      void this.#queue(encodeFrame({ type: 'window_update', streamId: stream.id, delta: stream.unacknowledged })).catch(() => undefined);
      stream.unacknowledged = 0;
    }
  }

  #wakeWriters(): void {
    const waiters = [...this.#windowWaiters];
    this.#windowWaiters.clear();
    for (const wake of waiters) wake();
  }

  #teardown(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeWriters();
    for (const stream of [...this.#streams.values()]) {
      stream.reset = true;
      stream.destroy();
    }
    this.#streams.clear();
    this.#compressor.close();
    this.#decompressor.close();
    this.emit('close');
  }
}
