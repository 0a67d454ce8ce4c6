/**
 * Events about pods (what `kubectl describe pod` lists): Started, Killing, BackOff, Unhealthy,
 * Failed. Recording never blocks the caller: events are written in the background, one at a
 * time, and dropped when too many queue up (events are a diagnostic, never worth slowing pods
 * down for). A repeat of the same event within 10 minutes bumps the first one's count.
 */
import { eventType } from '../api/core/v1/event.ts';
import type { KubeObject } from '../api/meta/types.ts';
import type { Clientset, Logger } from '../client/index.ts';
import type { Pod } from './api-types.ts';

export type EventKind = 'Normal' | 'Warning';

/** Records events; see the file comment. */
export interface EventRecorder {
  /** `container` names the container the event is about (involvedObject.fieldPath). */
  record(pod: Pod, kind: EventKind, reason: string, message: string, container?: string): void;
  /** Drops what is queued and records nothing more. */
  stop(): void;
}

export const noEvents: EventRecorder = { record: () => undefined, stop: () => undefined };

const MAX_QUEUED = 200;
const REPEAT_WINDOW_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 500;

interface Remembered {
  name: string;
  namespace: string;
  count: number;
  at: number;
}

function microTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function apiEventRecorder(clientset: Clientset, nodeName: string, logger: Logger): EventRecorder {
  const queue: Array<() => Promise<void>> = [];
  let draining = false;
  const seen = new Map<string, Remembered>();
  const events = clientset.resource(eventType);
  let sequence = 0;

  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    while (queue.length > 0) {
      const job = queue.shift()!;
      try {
        await job();
      } catch (err) {
        logger.warn('cannot record an event', { error: err });
      }
    }
    draining = false;
  };

  let stopped = false;
  return {
    stop() {
      stopped = true;
      queue.length = 0;
    },
    record(pod, kind, reason, message, container) {
      if (stopped || queue.length >= MAX_QUEUED) return;
      const namespace = pod.metadata.namespace ?? 'default';
      const key = `${pod.metadata.uid}/${container ?? ''}/${reason}/${message}`;
      const now = new Date();
      queue.push(async () => {
        const prior = seen.get(key);
        if (prior !== undefined && now.getTime() - prior.at < REPEAT_WINDOW_MS) {
          prior.count++;
          prior.at = now.getTime();
          await events.patch(prior.name, { count: prior.count, lastTimestamp: microTime(now) }, { namespace: prior.namespace });
          return;
        }
        const involvedObject: Record<string, string> = {
          kind: 'Pod',
          apiVersion: 'v1',
          namespace,
          name: pod.metadata.name ?? '',
          uid: pod.metadata.uid ?? '',
        };
        if (container !== undefined) {
          const init = (pod.spec.initContainers ?? []).some((c) => c.name === container);
          involvedObject['fieldPath'] = `spec.${init ? 'initContainers' : 'containers'}{${container}}`;
        }
        const event: KubeObject = {
          // Named as upstream names them: <object>.<unix nanoseconds in hex>.
          metadata: { name: `${pod.metadata.name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(sequence++ % 1_000_000)).toString(16)}`, namespace },
          involvedObject,
          reason,
          message,
          type: kind,
          source: { component: 'kubelet', host: nodeName },
          firstTimestamp: microTime(now),
          lastTimestamp: microTime(now),
          count: 1,
          reportingComponent: 'kubelet',
          reportingInstance: nodeName,
        };
        const created = await events.create(event, { namespace });
        if (seen.size >= MAX_REMEMBERED) seen.delete(seen.keys().next().value!);
        seen.set(key, { name: created.metadata.name ?? '', namespace, count: 1, at: now.getTime() });
      });
      void drain();
    },
  };
}
