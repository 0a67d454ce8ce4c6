/**
 * Builds the etcd3 client the etcd backend runs on, with the fault handling the backend needs
 * rather than the library's defaults:
 *
 * - No library-level retries. The library would retry any "recoverable" failure, writes included,
 *   and a compare-and-swap retried after a lost response can report a conflict with its own
 *   write. The backend retries by itself (see etcd-retry.ts), writes only when they surely never
 *   reached etcd.
 * - A per-endpoint circuit breaker, so calls skip a dead member for a moment instead of paying a
 *   failed connection each time.
 * - Every call carries etcd's "require leader" metadata: a member cut off from the quorum rejects
 *   requests at once ("etcdserver: no leader") and cancels its watch streams, so the client moves
 *   to a member that can serve instead of waiting on one that cannot.
 */
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { ConsecutiveBreaker, circuitBreaker, handleWhen, noop } from 'cockatiel';
import { Etcd3, isRecoverableError, type IOptions } from 'etcd3';

/** Client TLS material (PEM): the CA that signed the members' certificates, and our client certificate. */
export interface EtcdTlsOptions {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface EtcdClientOptions {
  /** Member client URLs, `https://host:port` (or `http://` without TLS). */
  readonly endpoints: readonly string[];
  readonly tls?: EtcdTlsOptions;
  /** Send etcd's require-leader metadata on every call (see above). Default true. */
  readonly requireLeader?: boolean;
  /** Skip a member for a moment after it failed twice in a row (see above). Default true. */
  readonly circuitBreaker?: boolean;
}

/** How long a member that failed twice in a row is skipped before it is tried again. */
const breakerOpenMs = 2_000;

const requireLeader: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      metadata.set('hasleader', 'true');
      next(metadata, listener);
    },
  });

/** A new etcd3 client for `opts`; the caller closes it. */
export function createEtcdClient(opts: EtcdClientOptions): Etcd3 {
  if (opts.endpoints.length === 0) throw new Error('etcd: no endpoints given');
  const options: IOptions = {
    hosts: [...opts.endpoints],
    grpcOptions: {
      // Lists can be large: no message size cap on responses.
      'grpc.max_receive_message_length': 2 ** 31 - 1,
      // Notice a member that stopped answering (not just one whose socket closed) within ~15 s.
      // etcd refuses pings more often than every 5 s.
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      // A restarted member is used again within a second.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1_000,
      // Connections are not shared with other clients in the process (each has its own TLS identity).
      'grpc.use_local_subchannel_pool': 1,
    },
    ...(opts.requireLeader === false ? {} : { defaultCallOptions: () => ({ interceptors: [requireLeader] }) }),
    faultHandling: {
      global: noop,
      host: () =>
        opts.circuitBreaker === false
          ? noop
          : circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: breakerOpenMs, breaker: new ConsecutiveBreaker(2) }),
    },
  };
  if (opts.tls !== undefined) {
    options.credentials = {
      rootCertificate: Buffer.from(opts.tls.caPem),
      certChain: Buffer.from(opts.tls.certPem),
      privateKey: Buffer.from(opts.tls.keyPem),
    };
  }
  return new Etcd3(options);
}
