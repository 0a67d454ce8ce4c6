/**
 * Opens a Storage from a plain description, so entry points and configuration files pick a
 * backend without importing it.
 */
import { EtcdStorage } from './etcd/etcd-storage.ts';
import { MemoryStorage } from './memory/memory-storage.ts';
import { SqliteStorage } from './sqlite/sqlite-storage.ts';
import type { Storage } from './storage.ts';

/** Which backend to open, and where its data lives. */
export type StorageSpec =
  /** Everything in memory, lost on close: tests and throwaway development clusters. */
  | { readonly backend: 'memory' }
  /** A SQLite file (created with its parent directories if missing): single-node clusters. */
  | { readonly backend: 'sqlite'; readonly path: string; readonly pollIntervalMs?: number }
  /**
   * An etcd cluster (3.4+): its members' client URLs, the client certificate and the CA of the
   * members (PEM), and the key prefix this cluster's data lives under: HA clusters.
   */
  | {
      readonly backend: 'etcd';
      readonly endpoints: readonly string[];
      readonly tls?: { readonly caPem: string; readonly certPem: string; readonly keyPem: string };
      readonly prefix?: string;
    };

/** Opens the store `spec` describes. */
export async function openStorage(spec: StorageSpec): Promise<Storage> {
  switch (spec.backend) {
    case 'memory':
      return new MemoryStorage();
    case 'sqlite':
      return new SqliteStorage({ path: spec.path, ...(spec.pollIntervalMs !== undefined ? { pollIntervalMs: spec.pollIntervalMs } : {}) });
    case 'etcd':
      return new EtcdStorage({
        endpoints: spec.endpoints,
        ...(spec.tls !== undefined ? { tls: spec.tls } : {}),
        ...(spec.prefix !== undefined ? { prefix: spec.prefix } : {}),
      });
    default:
      return unknownBackend(spec);
  }
}

function unknownBackend(spec: never): never {
  throw new RangeError(`unknown storage backend: ${JSON.stringify(spec)}`);
}
