/**
 * Silences Node's DEP0123 warning ("Setting the TLS ServerName to an IP address is not
 * permitted"), and only it. etcd members are addressed by IP (their certificates name their
 * loopback addresses), and the gRPC client passes that IP as the TLS server name, which makes
 * Node warn on every connection; the certificate is still verified against the address.
 */
export function silenceIpServerNameWarning(): void {
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: unknown }).code : rest[1];
    if (code === 'DEP0123') return;
    (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
  });
}
