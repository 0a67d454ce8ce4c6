/**
 * The Kubernetes remote-command protocol over WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`),
 * server side, as kubectl and client-node speak it for exec and attach:
 *
 *   every message is binary; its first byte is the channel:
 *     0 stdin (client → server)   1 stdout   2 stderr   3 error: one JSON metav1.Status at the end
 *     4 resize (client → server, JSON {Width, Height}; accepted and ignored)
 *     255 close (v5 only): [255, <channel>] — the client closed that channel (stdin EOF)
 *
 * The status on channel 3 is `{"metadata":{},"status":"Success"}` or, for a non-zero exit,
 * `Failure` with reason NonZeroExitCode and a cause {reason: ExitCode, message: "<code>"}, from
 * which kubectl takes its own exit code. The server then closes the socket normally.
 */
import type { WebSocket } from 'ws';

export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ChannelProtocol = (typeof CHANNEL_PROTOCOLS)[number];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

/** Above this many bytes queued in the socket, output is paused until it drains. */
const HIGH_WATER = 1 << 20;

/** The subprotocol to speak: the first one the client offers that we know, or undefined. */
export function pickChannelProtocol(offered: Iterable<string>): ChannelProtocol | undefined {
  for (const p of offered) if ((CHANNEL_PROTOCOLS as readonly string[]).includes(p)) return p as ChannelProtocol;
  return undefined;
}

/** The status sent on channel 3 when the command ended with `exitCode`. */
export function exitStatus(exitCode: number, argv: readonly string[]): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** One side of a channel stream: what the server plugs the socket into. */
export interface ChannelEndpoints {
  /** Output streams to forward (stdout on 1, stderr on 2). */
  readonly stdout?: NodeJS.ReadableStream | null;
  readonly stderr?: NodeJS.ReadableStream | null;
  /** Where client stdin goes (ended on the close signal or when the socket closes; nothing is written once it is not `writable`). */
  readonly stdin?: NodeJS.WritableStream | null;
  /** Resolves with the status to send once the session is over. */
  readonly done: Promise<Record<string, unknown>>;
  /** Called when the client goes away before `done`. */
  readonly abort: () => void;
}

function frame(channel: number, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = channel;
  data.copy(out, 1);
  return out;
}

/** Runs one session on an accepted WebSocket; resolves when the socket is closed. */
export function serveChannels(ws: WebSocket, protocol: ChannelProtocol, ends: ChannelEndpoints): Promise<void> {
  return new Promise((resolve) => {
    let finished = false;
    const outputs: NodeJS.ReadableStream[] = [];
    const pump = (stream: NodeJS.ReadableStream | null | undefined, channel: number): Promise<void> => {
      if (stream === null || stream === undefined) return Promise.resolve();
      outputs.push(stream);
      return new Promise((done) => {
        stream.on('data', (chunk: Buffer | string) => {
          if (ws.readyState !== ws.OPEN) return;
          ws.send(frame(channel, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
          if (ws.bufferedAmount > HIGH_WATER) {
            stream.pause();
            const wait = setInterval(() => {
              if (ws.bufferedAmount < HIGH_WATER / 2 || ws.readyState !== ws.OPEN) {
                clearInterval(wait);
                stream.resume();
              }
            }, 10);
          }
        });
        stream.once('end', () => done());
        stream.once('close', () => done());
        stream.once('error', () => done());
      });
    };
    const pumped = Promise.all([pump(ends.stdout, STDOUT), pump(ends.stderr, STDERR)]);

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const msg = Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (!isBinary || msg.length === 0) return;
      const channel = msg[0];
      if (channel === STDIN) {
        // Input the process no longer takes (its stdin closed, failed, or ended by the client) is dropped.
        if (ends.stdin?.writable === true && msg.length > 1) ends.stdin.write(msg.subarray(1));
      } else if (channel === CLOSE && protocol === 'v5.channel.k8s.io') {
        if (msg[1] === STDIN) ends.stdin?.end();
      } else if (channel === RESIZE) {
        // No terminal to resize: a pty from script(1) keeps its initial size.
      }
    });
    ws.on('close', () => {
      if (!finished) {
        finished = true;
        ends.abort();
      }
      ends.stdin?.end();
      resolve();
    });
    ws.on('error', () => undefined);

    void ends.done.then(async (status) => {
      // Everything the process wrote goes out before the status.
      await pumped;
      if (finished) return;
      finished = true;
      if (ws.readyState === ws.OPEN) {
        ws.send(frame(ERROR, Buffer.from(JSON.stringify(status))));
        ws.close(1000);
      }
    });
  });
}
