/**
 * SPDY/3.1 frames (draft 3.1, section 2): encoding frames to bytes and reading them back from a
 * byte stream that arrives in arbitrary pieces. Header blocks are carried here as opaque
 * (compressed) bytes; header-block.ts lays them out and header-compression.ts compresses them.
 *
 *   control frame: |1| version (15) | type (16) | flags (8) | length (24) | payload
 *   data frame:    |0| stream id (31)           | flags (8) | length (24) | payload
 */

export const SPDY_VERSION = 3;
/** Frames longer than this cannot be expressed (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const FLAG_SETTINGS_CLEAR = 0x01;

/** Control frame types. */
export const FRAME_TYPE = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

/** RST_STREAM status codes. */
export const RST_STATUS = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  unsupportedVersion: 4,
  cancel: 5,
  internalError: 6,
  flowControlError: 7,
  streamInUse: 8,
  streamAlreadyClosed: 9,
  frameTooLarge: 11,
} as const;

/** GOAWAY status codes. */
export const GOAWAY_STATUS = { ok: 0, protocolError: 1, internalError: 2 } as const;

/** SETTINGS ids this implementation reads. */
export const SETTING_INITIAL_WINDOW_SIZE = 7;

export interface DataFrame {
  readonly type: 'data';
  readonly streamId: number;
  readonly fin: boolean;
  readonly data: Buffer;
}
export interface SynStreamFrame {
  readonly type: 'syn_stream';
  readonly streamId: number;
  readonly associatedTo: number;
  /** 0 (highest) to 7. */
  readonly priority: number;
  readonly slot: number;
  readonly fin: boolean;
  readonly unidirectional: boolean;
  /** The compressed header block. */
  readonly headerBlock: Buffer;
}
export interface SynReplyFrame {
  readonly type: 'syn_reply';
  readonly streamId: number;
  readonly fin: boolean;
  readonly headerBlock: Buffer;
}
export interface RstStreamFrame {
  readonly type: 'rst_stream';
  readonly streamId: number;
  readonly status: number;
}
export interface SettingsEntry {
  readonly flags: number;
  readonly id: number;
  readonly value: number;
}
export interface SettingsFrame {
  readonly type: 'settings';
  readonly clear: boolean;
  readonly entries: readonly SettingsEntry[];
}
export interface PingFrame {
  readonly type: 'ping';
  readonly id: number;
}
export interface GoAwayFrame {
  readonly type: 'goaway';
  readonly lastGoodStreamId: number;
  readonly status: number;
}
export interface HeadersFrame {
  readonly type: 'headers';
  readonly streamId: number;
  readonly fin: boolean;
  readonly headerBlock: Buffer;
}
export interface WindowUpdateFrame {
  readonly type: 'window_update';
  /** 0 for the session window (SPDY/3.1). */
  readonly streamId: number;
  readonly delta: number;
}
/** A control frame of a type this implementation does not know (e.g. CREDENTIAL): ignored, as the spec says. */
export interface UnknownFrame {
  readonly type: 'unknown';
  readonly frameType: number;
  readonly flags: number;
  readonly payload: Buffer;
}

export type Frame =
  | DataFrame
  | SynStreamFrame
  | SynReplyFrame
  | RstStreamFrame
  | SettingsFrame
  | PingFrame
  | GoAwayFrame
  | HeadersFrame
  | WindowUpdateFrame
  | UnknownFrame;

/** A malformed frame or a frame of another SPDY version: the session cannot go on. */
export class SpdyProtocolError extends Error {
  override name = 'SpdyProtocolError';
}

const STREAM_ID_MASK = 0x7fffffff;

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY frame payload of ${payload.length} bytes is too long`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE((((flags & 0xff) << 24) | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** The bytes of `frame`. */
export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case 'data': {
      if (frame.data.length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY data frame of ${frame.data.length} bytes is too long`);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(frame.streamId & STREAM_ID_MASK, 0);
      head.writeUInt32BE((((frame.fin ? FLAG_FIN : 0) << 24) | frame.data.length) >>> 0, 4);
      return Buffer.concat([head, frame.data]);
    }
    case 'syn_stream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId & STREAM_ID_MASK, 0);
      fixed.writeUInt32BE(frame.associatedTo & STREAM_ID_MASK, 4);
      fixed.writeUInt8((frame.priority & 0x7) << 5, 8);
      fixed.writeUInt8(frame.slot & 0xff, 9);
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return controlFrame(FRAME_TYPE.synStream, flags, Buffer.concat([fixed, frame.headerBlock]));
    }
    case 'syn_reply':
      return controlFrame(FRAME_TYPE.synReply, frame.fin ? FLAG_FIN : 0, Buffer.concat([u32s(frame.streamId & STREAM_ID_MASK), frame.headerBlock]));
    case 'headers':
      return controlFrame(FRAME_TYPE.headers, frame.fin ? FLAG_FIN : 0, Buffer.concat([u32s(frame.streamId & STREAM_ID_MASK), frame.headerBlock]));
    case 'rst_stream':
      return controlFrame(FRAME_TYPE.rstStream, 0, u32s(frame.streamId & STREAM_ID_MASK, frame.status));
    case 'settings': {
      const body = Buffer.alloc(4 + frame.entries.length * 8);
      body.writeUInt32BE(frame.entries.length, 0);
      frame.entries.forEach((e, i) => {
        body.writeUInt32BE((((e.flags & 0xff) << 24) | (e.id & 0xffffff)) >>> 0, 4 + i * 8);
        body.writeUInt32BE(e.value >>> 0, 8 + i * 8);
      });
      return controlFrame(FRAME_TYPE.settings, frame.clear ? FLAG_SETTINGS_CLEAR : 0, body);
    }
    case 'ping':
      return controlFrame(FRAME_TYPE.ping, 0, u32s(frame.id));
    case 'goaway':
      return controlFrame(FRAME_TYPE.goAway, 0, u32s(frame.lastGoodStreamId & STREAM_ID_MASK, frame.status));
    case 'window_update':
      return controlFrame(FRAME_TYPE.windowUpdate, 0, u32s(frame.streamId & STREAM_ID_MASK, frame.delta & STREAM_ID_MASK));
    case 'unknown':
      return controlFrame(frame.frameType, frame.flags, frame.payload);
  }
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) throw new SpdyProtocolError(`${what} frame too short: ${payload.length} bytes, need ${bytes}`);
}

function decodeControl(type: number, flags: number, p: Buffer): Frame {
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case FRAME_TYPE.synStream:
      need(p, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: p.readUInt32BE(0) & STREAM_ID_MASK,
        associatedTo: p.readUInt32BE(4) & STREAM_ID_MASK,
        priority: p.readUInt8(8) >> 5,
        slot: p.readUInt8(9),
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: p.subarray(10),
      };
    case FRAME_TYPE.synReply:
      need(p, 4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, fin, headerBlock: p.subarray(4) };
    case FRAME_TYPE.headers:
      need(p, 4, 'HEADERS');
      return { type: 'headers', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, fin, headerBlock: p.subarray(4) };
    case FRAME_TYPE.rstStream:
      need(p, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, status: p.readUInt32BE(4) };
    case FRAME_TYPE.settings: {
      need(p, 4, 'SETTINGS');
      const count = p.readUInt32BE(0);
      need(p, 4 + count * 8, 'SETTINGS');
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < count; i++) {
        const word = p.readUInt32BE(4 + i * 8);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: p.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', clear: (flags & FLAG_SETTINGS_CLEAR) !== 0, entries };
    }
    case FRAME_TYPE.ping:
      need(p, 4, 'PING');
      return { type: 'ping', id: p.readUInt32BE(0) };
    case FRAME_TYPE.goAway:
      need(p, 4, 'GOAWAY');
      // SPDY/2 peers send no status; read it when present.
      return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & STREAM_ID_MASK, status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
    case FRAME_TYPE.windowUpdate:
      need(p, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, delta: p.readUInt32BE(4) & STREAM_ID_MASK };
    default:
      return { type: 'unknown', frameType: type, flags, payload: p };
  }
}

/**
 * Reads frames from a byte stream: `push` the bytes as they come, get every frame completed by
 * them. Holds at most one incomplete frame.
 */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);

  /**
   * @returns the frames the bytes so far complete, in order
   * @throws SpdyProtocolError for a control frame of another SPDY version or a malformed frame
   */
  push(chunk: Buffer): Frame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: Frame[] = [];
    while (this.#buffer.length >= 8) {
      const length = this.#buffer.readUInt32BE(4) & 0xffffff;
      if (this.#buffer.length < 8 + length) break;
      const first = this.#buffer.readUInt32BE(0);
      const flags = this.#buffer.readUInt8(4);
      const payload = this.#buffer.subarray(8, 8 + length);
      this.#buffer = this.#buffer.subarray(8 + length);
      if ((first & 0x80000000) === 0) {
        frames.push({ type: 'data', streamId: first & STREAM_ID_MASK, fin: (flags & FLAG_FIN) !== 0, data: Buffer.from(payload) });
        continue;
      }
      const version = (first >>> 16) & 0x7fff;
      if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version} (this side speaks SPDY/3.1)`);
      frames.push(decodeControl(first & 0xffff, flags, Buffer.from(payload)));
    }
    return frames;
  }

  /** Bytes received that do not yet make a whole frame. */
  get pending(): number {
    return this.#buffer.length;
  }
}
