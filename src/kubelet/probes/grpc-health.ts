/**
 * gRPC probes: one call of the standard health service (`grpc.health.v1.Health/Check`) over
 * plaintext HTTP/2, as upstream's kubelet makes it. The two tiny messages are encoded by hand
 * (`HealthCheckRequest{string service = 1}`, `HealthCheckResponse{enum status = 1}`, SERVING = 1),
 * and @grpc/grpc-js is loaded only when a pod has a gRPC probe.
 */
import type { ProbeResult } from './prober.ts';

const SERVING = 1;
const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

/** Encodes HealthCheckRequest. */
export function encodeHealthRequest(service: string): Buffer {
  if (service === '') return Buffer.alloc(0);
  const bytes = Buffer.from(service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a, ...varint(bytes.length)]), bytes]);
}

/** Decodes the status of a HealthCheckResponse (0 = UNKNOWN when absent). */
export function decodeHealthStatus(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const tag = buf[i++]!;
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) {
      let value = 0;
      let shift = 0;
      for (;;) {
        const b = buf[i++] ?? 0;
        value |= (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) === 0 || i >= buf.length) break;
      }
      if (field === 1) return value;
    } else if (wire === 2) {
      let len = 0;
      let shift = 0;
      for (;;) {
        const b = buf[i++] ?? 0;
        len |= (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) === 0 || i >= buf.length) break;
      }
      i += len;
    } else return 0;
  }
  return 0;
}

export async function grpcHealthCheck(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeResult> {
  const grpc = await import('@grpc/grpc-js');
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  try {
    const response = await new Promise<Buffer>((resolve, reject) => {
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        (req: Buffer) => req,
        (res: Buffer) => res,
        encodeHealthRequest(service),
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, value) => (err !== null && err !== undefined ? reject(err) : resolve(value ?? Buffer.alloc(0))),
      );
    });
    const status = decodeHealthStatus(response);
    return status === SERVING ? { ok: true } : { ok: false, message: `service unhealthy (responded with "${STATUS_NAMES[status] ?? status}")` };
  } catch (err) {
    return { ok: false, message: `timeout: failed to connect service "${target}" within ${timeoutMs / 1000}s: ${(err as Error).message}` };
  } finally {
    client.close();
  }
}
