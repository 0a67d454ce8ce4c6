/**
 * The client layer (the client-go analogue): how every component reaches cluster state.
 *
 * ```ts
 * const clientset = await Clientset.fromKubeconfig('/path/to/kubeconfig');
 * const factory = new SharedInformerFactory(clientset);
 * const pods = factory.informerFor(podType);
 * pods.addEventHandler({ onAdd: (pod) => queue.add(objectKey(pod)) });
 * factory.start(signal);
 * await factory.waitForCacheSync(signal);
 * ```
 *
 * - RestClient: HTTPS with failover across apiserver endpoints; EndpointsRefresher keeps the
 *   list current from the `kubernetes` Endpoints.
 * - Clientset / ResourceClient: typed CRUD, patch, delete, watch; discovery.
 * - Informer / SharedInformerFactory / Store: list+watch caches with indexes and handlers.
 * - WorkQueue: per-key serialized, rate-limited work for controllers.
 * - LeaderElector: Lease-based election with fencing.
 * - EventBroadcaster / EventRecorder: background, aggregated core/v1 Events, one recorder per component.
 * @module
 */
export { Backoff } from './backoff.ts';
export type { BackoffOptions } from './backoff.ts';
export { Clientset } from './clientset.ts';
export { abortReason, pause, realClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { listPreferredNamespacedResources, listServerResources } from './discovery.ts';
export { metadataOnly, trimToMetadata } from './metadata-only.ts';
export type { DiscoveredResource, ServerResources } from './discovery.ts';
export { endpointUrls, runEndpointsRefresher } from './endpoints-refresher.ts';
export type { EndpointsRefresherOptions } from './endpoints-refresher.ts';
export { ApiError, ConnectionError, isAlreadyExists, isConflict, isMethodNotAllowed, isNotFound, isResourceExpired } from './errors.ts';
export { EventBroadcaster, PER_EVENT_BURST, PER_EVENT_INTERVAL_MS, referenceTo } from './event-recorder.ts';
export type { EventBroadcasterOptions, EventRecorder, EventRecorderProvider, EventType, ObjectReference } from './event-recorder.ts';
export { Informer, isTombstone } from './informer.ts';
export type { DeletedFinalStateUnknown, EventHandlers, InformerOptions } from './informer.ts';
export { defaultKubeconfigPath, loadKubeconfig, parseKubeconfig } from './kubeconfig.ts';
export type { KubeconfigSelection } from './kubeconfig.ts';
export { LeaderElector } from './leader-election.ts';
export type { LeaderElectionMetrics, LeaderElectorOptions } from './leader-election.ts';
export { leaseLock, microTime } from './lease-lock.ts';
export type { LeaderElectionRecord, Lease, LeaseLock } from './lease-lock.ts';
export { lineLogger, silentLogger, stderrLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { ItemExponentialRateLimiter } from './rate-limiter.ts';
export type { ExponentialRateLimiterOptions, RateLimiter } from './rate-limiter.ts';
export { Reflector, listerWatcherFor } from './reflector.ts';
export type { ListerWatcher, ReflectorOptions, ReflectorSink } from './reflector.ts';
export { PATCH_CONTENT_TYPES, ResourceClient } from './resource-client.ts';
export type { DeleteCollectionOptions, DeleteOptions, ListOptions, PatchOptions, PatchType, RequestOptions, WatchOptions, WriteOptions } from './resource-client.ts';
export { RestClient } from './rest-client.ts';
export type { HttpMethod, RestClientOptions, RestRequest, RestResponse, RestStream } from './rest-client.ts';
export { SharedInformerFactory } from './shared-informer-factory.ts';
export type { InformerScope, SharedInformerFactoryOptions } from './shared-informer-factory.ts';
export { NAMESPACE_INDEX, Store, objectKey, splitKey } from './store.ts';
export type { IndexFunc, Lister } from './store.ts';
export { decodeWatchStream, WatchDecodeError } from './watch-decoder.ts';
export type { WatchEvent, WatchEventType } from './watch-decoder.ts';
export { WorkQueue } from './work-queue.ts';
export type { WorkQueueOptions } from './work-queue.ts';
