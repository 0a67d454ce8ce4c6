/**
 * The handle components hold: one RestClient (with its endpoint failover) and a typed
 * ResourceClient per resource type, created on first use.
 */
import type { KubeObject } from '../api/meta/types.ts';
import type { ResourceType } from '../api/resource-type.ts';
import { apiVersionOf } from '../api/resource-type.ts';
import type { ServerResources } from './discovery.ts';
import { listServerResources } from './discovery.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { ResourceClient } from './resource-client.ts';
import type { RestClientOptions } from './rest-client.ts';
import { RestClient } from './rest-client.ts';

/** One RestClient plus a cached ResourceClient per type: what a component holds to talk to the cluster. */
export class Clientset {
  readonly rest: RestClient;
  readonly #clients = new Map<string, ResourceClient<KubeObject>>();

  constructor(rest: RestClient) {
    this.rest = rest;
  }

  /** A client from explicit options (endpoints, TLS material, token). */
  static fromOptions(options: RestClientOptions): Clientset {
    return new Clientset(new RestClient(options));
  }

  /**
   * A client from a kubeconfig file.
   * @param extra options layered over the kubeconfig's (e.g. more `endpoints`, a `logger`)
   */
  static async fromKubeconfig(path?: string, context?: string, extra: Partial<RestClientOptions> = {}): Promise<Clientset> {
    const { options } = await loadKubeconfig(path, context);
    return Clientset.fromOptions({ ...options, ...extra });
  }

  /** The typed client for `type` (one instance per type). */
  resource<T extends KubeObject = KubeObject>(type: ResourceType): ResourceClient<T> {
    const key = `${apiVersionOf(type)}/${type.resource}`;
    let client = this.#clients.get(key);
    if (client === undefined) {
      client = new ResourceClient(this.rest, type);
      this.#clients.set(key, client);
    }
    return client as unknown as ResourceClient<T>;
  }

  /** Legacy discovery of every resource type the server serves. */
  serverResources(signal?: AbortSignal): Promise<ServerResources> {
    return listServerResources(this.rest, signal === undefined ? {} : { signal });
  }

  /** Closes connections and streams. */
  close(): void {
    this.rest.close();
  }
}
