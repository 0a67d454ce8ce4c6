/**
 * The kubelet's port-forward endpoint (`/portForward/<namespace>/<pod>`): serves an upgrade
 * request, passed through by the apiserver with the client's own headers, in whichever of the
 * three protocols the client speaks:
 *
 * 1. kubectl's WebSocket mode (`Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io`): SPDY/3.1
 *    frames carried in WebSocket binary messages (as one byte stream, message borders mean nothing);
 * 2. raw SPDY/3.1 (`Upgrade: SPDY/3.1`, `X-Stream-Protocol-Version: portforward.k8s.io`), kubectl's
 *    fallback when the WebSocket upgrade is refused;
 * 3. the WebSocket channel protocol of client libraries (`v5.channel.k8s.io` … `channel.k8s.io`,
 *    `?ports=8080,9090`): for the i-th port, channel 2i carries data and 2i+1 errors; the server
 *    opens each channel with the port number (2 bytes, little-endian); v5 adds the close message
 *    `[255, channel]`, which here half-closes that port's connection.
 *
 * In the SPDY protocols each forwarded connection is a pair of streams (`streamType: error|data`,
 * `port`, `requestID`); once both have arrived the port is dialled and bytes are copied both
 * ways; a failure is written on the error stream, and the error stream is closed when the
 * connection is over (the client waits for that). Streams without `requestID` (old clients) are
 * paired by stream id, as upstream does.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { RST_STATUS } from '../util/spdy/frames.ts';
import { headerValue } from '../util/spdy/header-block.ts';
import { SpdySession, type SpdyStream } from '../util/spdy/session.ts';

/** The port-forward protocol of SPDY streams (v1, the only one). */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** kubectl's WebSocket subprotocol for SPDY tunnelled in WebSocket messages. */
export const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
/** Channel subprotocols, preferred first (they frame port-forward data alike; v5 adds the close message). */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;

/** Upstream's stream creation timeout: how long a data stream may wait for its error stream (and back). */
const DEFAULT_STREAM_CREATION_TIMEOUT_MS = 30_000;
const CLOSE_CHANNEL = 255;

export interface PortForwardOptions {
  /** How long the two streams of one forwarded connection may arrive apart (default 30 s). */
  readonly streamCreationTimeoutMs?: number;
}

/** Answers a failed upgrade with a plain-text HTTP error, as the kubelet does. */
function refuse(socket: Duplex, code: number, reason: string, message: string): void {
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
}

function headerList(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** `namespace/pod` from a kubelet path, for messages ('' when the path says nothing). */
function podOf(req: IncomingMessage): string {
  const m = /^\/portForward\/([^/?]+)\/([^/?]+)/.exec(req.url ?? '');
  return m === null ? '' : `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
}

function forwardError(port: number | string, pod: string, err: unknown): string {
  return `error forwarding port ${port} to pod ${pod === '' ? '(unknown)' : pod}: ${err instanceof Error ? err.message : String(err)}`;
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * Serves a port-forward upgrade request on `socket` (from an http server's `upgrade` event).
 * `dial` connects to a port of the pod (e.g. `(port) => net.connect(port, podIP)`, resolved once
 * connected). Never throws: a request it cannot serve is answered with an HTTP error.
 */
export function servePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, dial: (port: number) => Promise<Socket>, options: PortForwardOptions = {}): void {
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  const pod = podOf(req);
  const timeoutMs = options.streamCreationTimeoutMs ?? DEFAULT_STREAM_CREATION_TIMEOUT_MS;
  socket.on('error', () => socket.destroy());

  if (upgrade === 'websocket') {
    const offered = headerList(req.headers['sec-websocket-protocol']);
    if (offered.includes(SPDY_TUNNEL_PROTOCOL)) {
      acceptWebSocket(req, socket, head, SPDY_TUNNEL_PROTOCOL, (ws) => serveSpdy(createWebSocketStream(ws), dial, pod, timeoutMs));
      return;
    }
    const protocol = offered.find((p): p is (typeof CHANNEL_PROTOCOLS)[number] => (CHANNEL_PROTOCOLS as readonly string[]).includes(p));
    if (protocol === undefined) {
      refuse(socket, 400, 'Bad Request', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${[SPDY_TUNNEL_PROTOCOL, ...CHANNEL_PROTOCOLS].join(' ')}]`);
      return;
    }
    const ports = new URL(req.url ?? '/', 'http://kubelet.invalid').searchParams.getAll('ports').flatMap((p) => p.split(','));
    const parsed = ports.map((p) => parsePort(p.trim()));
    if (parsed.length === 0 || parsed.some((p) => p === undefined)) {
      refuse(socket, 400, 'Bad Request', ports.length === 0 ? 'at least one port must be specified with the "ports" query parameter' : `invalid port in "ports": ${ports.join(',')}`);
      return;
    }
    acceptWebSocket(req, socket, head, protocol, (ws) => serveChannels(ws, parsed as number[], protocol === 'v5.channel.k8s.io', dial, pod));
    return;
  }

  if (upgrade === 'spdy/3.1') {
    const versions = headerList(req.headers['x-stream-protocol-version']);
    if (versions.length > 0 && !versions.includes(PORT_FORWARD_PROTOCOL)) {
      refuse(socket, 403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${versions.join(' ')}], server supports [${PORT_FORWARD_PROTOCOL}]`);
      return;
    }
    const negotiated = versions.length > 0 ? `X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n` : '';
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${negotiated}\r\n`);
    if (head.length > 0) socket.unshift(head);
    serveSpdy(socket, dial, pod, timeoutMs);
    return;
  }

  refuse(socket, 400, 'Bad Request', 'unable to upgrade: missing upgrade headers in request (port forwarding needs a WebSocket or SPDY/3.1 upgrade)');
}

/**
 * Completes the WebSocket handshake with `protocol`. The subprotocol header is answered here, not
 * by `ws`: `SPDY/3.1+portforward.k8s.io` contains a '/', which is not a token character, so `ws`
 * would refuse the request as malformed, while kubectl requires exactly that name back.
 */
function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, onOpen: (ws: WebSocket) => void): void {
  delete req.headers['sec-websocket-protocol'];
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  wss.on('headers', (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${protocol}`));
  wss.handleUpgrade(req, socket, head, (ws) => {
    wss.close();
    onOpen(ws);
  });
}

interface StreamPair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** The SPDY protocols: pairs of streams, each pair one forwarded connection. */
function serveSpdy(transport: Duplex, dial: (port: number) => Promise<Socket>, pod: string, timeoutMs: number): void {
  const pairs = new Map<string, StreamPair>();
  const session = new SpdySession(transport, {
    role: 'server',
    onStream(stream) {
      stream.reply();
      const type = headerValue(stream.headers, 'streamtype');
      if (type !== 'data' && type !== 'error') {
        stream.resetStream(RST_STATUS.protocolError);
        return;
      }
      // Without a requestID (older clients), the error stream comes first and the data stream two ids later.
      const requestId = headerValue(stream.headers, 'requestid') || `stream-${type === 'error' ? stream.id : stream.id - 2}`;
      let pair = pairs.get(requestId);
      if (pair === undefined) {
        const created: StreamPair = {
          timer: setTimeout(() => {
            pairs.delete(requestId);
            created.error?.end(`timed out waiting for the ${created.data === undefined ? 'data' : 'error'} stream of request ${requestId}`);
            created.data?.end();
          }, timeoutMs),
        };
        created.timer.unref();
        pair = created;
        pairs.set(requestId, pair);
      }
      if (pair[type] !== undefined) {
        stream.resetStream(RST_STATUS.protocolError);
        return;
      }
      pair[type] = stream;
      const { data, error } = pair;
      if (data !== undefined && error !== undefined) {
        clearTimeout(pair.timer);
        pairs.delete(requestId);
        void forwardPair(data, error, dial, pod);
      }
    },
  });
  session.on('close', () => {
    for (const pair of pairs.values()) clearTimeout(pair.timer);
    pairs.clear();
  });
}

/** One forwarded connection: dials the port of the data stream, then copies both ways. */
async function forwardPair(data: SpdyStream, error: SpdyStream, dial: (port: number) => Promise<Socket>, pod: string): Promise<void> {
  error.resume(); // the client sends nothing on it; drain its FIN
  const portText = headerValue(data.headers, 'port');
  const port = parsePort(portText);
  if (port === undefined) {
    error.end(forwardError(portText, pod, new Error(`invalid port "${portText}"`)));
    data.end();
    return;
  }
  let conn: Socket;
  try {
    conn = await dial(port);
  } catch (err) {
    error.end(forwardError(port, pod, err));
    data.end();
    return;
  }
  if (data.destroyed) {
    conn.destroy();
    error.end();
    return;
  }
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    if (!error.destroyed) error.end();
  };
  conn.on('error', () => undefined);
  // The session owns the streams' failures (a reset by kubectl closes them): 'close' is all there is to handle.
  conn.on('close', () => {
    if (!data.destroyed && !data.writableEnded) data.end();
    finish();
  });
  data.on('close', () => {
    conn.destroy();
    finish();
  });
  data.pipe(conn);
  conn.pipe(data);
}

/** The channel protocol: one WebSocket, one connection per port. */
function serveChannels(ws: WebSocket, ports: number[], closeMessages: boolean, dial: (port: number) => Promise<Socket>, pod: string): void {
  const send = (channel: number, payload: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), payload]));
  };
  const conns: (Socket | undefined)[] = ports.map(() => undefined);
  const early: Buffer[][] = ports.map(() => []);
  const halfClosed = ports.map(() => false);
  let remaining = ports.length;
  const done = (): void => {
    remaining--;
    if (remaining === 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };
  ports.forEach((port, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    send(2 * i, portBytes);
    send(2 * i + 1, portBytes);
    dial(port).then(
      (conn) => {
        if (ws.readyState !== ws.OPEN) {
          conn.destroy();
          return;
        }
        conns[i] = conn;
        for (const chunk of early[i]!) conn.write(chunk);
        early[i] = [];
        if (halfClosed[i]) conn.end();
        conn.on('data', (chunk: Buffer) => send(2 * i, chunk));
        conn.on('error', () => undefined);
        conn.on('close', done);
      },
      (err: unknown) => {
        send(2 * i + 1, Buffer.from(forwardError(port, pod, err)));
        done();
      },
    );
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0]!;
    if (channel === CLOSE_CHANNEL && closeMessages && data.length >= 2) {
      const index = data[1]! / 2;
      if (Number.isInteger(index) && index < ports.length) {
        halfClosed[index] = true;
        conns[index]?.end();
      }
      return;
    }
    if (channel % 2 !== 0 || channel / 2 >= ports.length) return;
    const index = channel / 2;
    const payload = data.subarray(1);
    const conn = conns[index];
    if (conn === undefined) early[index]!.push(payload);
    else conn.write(payload);
  });
  ws.on('close', () => {
    for (const conn of conns) conn?.destroy();
  });
  ws.on('error', () => ws.terminate());
}
