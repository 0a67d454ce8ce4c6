/**
 * How a kubelet's API client is bounded: at most this many connections per apiserver for
 * ordinary requests (watches have their own). Starting many pods at once makes several requests
 * each (status, events, a service account token, the cluster CA); without a bound each opens a
 * connection, and the TLS handshakes cost more CPU than the requests.
 */
export const KUBELET_MAX_REQUEST_CONNECTIONS = 8;
