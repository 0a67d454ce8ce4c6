/** An event recorder provider that records nothing, for tests of code that takes one but whose Events do not matter. */
import type { EventRecorderProvider } from '../event-recorder.ts';

export const noEvents: EventRecorderProvider = { newRecorder: () => ({ event: () => undefined }) };
