/**
 * Test support for anything built on client/: a hand-driven clock, a scriptable ListerWatcher,
 * an in-memory fake API server, a recording HTTP(S) server, a recorder of no events, throwaway TLS material, and bounded
 * polling. For tests only.
 * @module
 */
export { FakeApi } from './fake-api.ts';
export type { FakeApiType } from './fake-api.ts';
export { FakeClock, flushMicrotasks } from './fake-clock.ts';
export { FakeListerWatcher, FakeWatch, listOf } from './fake-lister-watcher.ts';
export { noEvents } from './no-events.ts';
export { refusedUrl, sendJson, sendStatus, startFakeServer } from './fake-server.ts';
export type { FakeHandler, FakeServer, RecordedRequest } from './fake-server.ts';
export { generateTestCerts } from './test-certs.ts';
export type { TestCerts } from './test-certs.ts';
export { waitFor } from './wait-for.ts';
