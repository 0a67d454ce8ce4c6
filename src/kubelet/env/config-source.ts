/**
 * Where a pod's ConfigMaps and Secrets come from while its containers and volumes are set up:
 * through the client, one lookup per object per setup (`cachedConfigSource`), never cached
 * across setups, so every setup, volume refresh and retry sees them as they are now.
 */
import { configMapType } from '../../api/core/v1/configmap.ts';
import { secretType } from '../../api/core/v1/secret.ts';
import type { KubeObject } from '../../api/meta/types.ts';
import { isNotFound, type Clientset } from '../../client/index.ts';

/** Reads ConfigMaps and Secrets; undefined when the object does not exist. */
export interface ConfigSource {
  configMap(namespace: string, name: string): Promise<KubeObject | undefined>;
  secret(namespace: string, name: string): Promise<KubeObject | undefined>;
}

/** A ConfigSource over the API. */
export function apiConfigSource(clientset: Clientset): ConfigSource {
  const get = async (type: typeof configMapType, namespace: string, name: string): Promise<KubeObject | undefined> => {
    try {
      return await clientset.resource(type).get(name, { namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  return {
    configMap: (namespace, name) => get(configMapType, namespace, name),
    secret: (namespace, name) => get(secretType, namespace, name),
  };
}

/** Memoizes a ConfigSource for one setup, so a ConfigMap named twice is read once. */
export function cachedConfigSource(source: ConfigSource): ConfigSource {
  const cache = new Map<string, Promise<KubeObject | undefined>>();
  const memo = (kind: string, namespace: string, name: string, load: () => Promise<KubeObject | undefined>) => {
    const key = `${kind}/${namespace}/${name}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = load();
      cache.set(key, hit);
    }
    return hit;
  };
  return {
    configMap: (ns, name) => memo('cm', ns, name, () => source.configMap(ns, name)),
    secret: (ns, name) => memo('secret', ns, name, () => source.secret(ns, name)),
  };
}

/** The decoded entries of a ConfigMap (`data` and `binaryData`) or Secret (`data`, base64; `stringData`). */
export function configEntries(kind: 'configmap' | 'secret', obj: KubeObject): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (kind === 'configmap') {
    for (const [k, v] of Object.entries((obj['data'] ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v, 'utf8'));
    for (const [k, v] of Object.entries((obj['binaryData'] ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v, 'base64'));
  } else {
    for (const [k, v] of Object.entries((obj['data'] ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v, 'base64'));
    for (const [k, v] of Object.entries((obj['stringData'] ?? {}) as Record<string, string>)) out.set(k, Buffer.from(v, 'utf8'));
  }
  return out;
}
