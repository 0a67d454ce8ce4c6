/** core/v1 Event and ObjectReference. */
import type { SchemaSet } from '../schema-types.ts';
import { apiPrefix, int32, kindWithList, microTime, obj, ref, str, time } from './dsl.ts';

const core = apiPrefix('', 'v1');

export const coreV1EventSchemas: SchemaSet = {
  [`${core}ObjectReference`]: obj(
    'A reference to any object.',
    {
      apiVersion: str('API version of the object.'),
      kind: str('Kind of the object.'),
      namespace: str('Namespace of the object.'),
      name: str('Name of the object.'),
      uid: str('UID of the object.'),
      resourceVersion: str('Version of the object the reference was made from.'),
      fieldPath: str('A part of the object, such as `spec.containers{web}`.'),
    },
    { mapType: 'atomic' },
  ),
  ...kindWithList(
    { group: '', version: 'v1', kind: 'Event' },
    'A report of something that happened to an object, such as a pod being scheduled.',
    {
      involvedObject: ref(`${core}ObjectReference`, 'The object the event is about.'),
      reason: str('Short machine-readable reason, such as `Scheduled` or `BackOff`.'),
      message: str('Human-readable description.'),
      source: ref(`${core}EventSource`, 'The component that reported the event.'),
      firstTimestamp: time('When the event was first seen.'),
      lastTimestamp: time('When the event was last seen.'),
      count: int32('How many times the event was seen.'),
      type: str('`Normal` or `Warning`.'),
      eventTime: microTime('When the event first happened, precisely.'),
      series: ref(`${core}EventSeries`, 'Data about a series of repeats of the event.'),
      action: str('What was done, or failed, about the object.'),
      related: ref(`${core}ObjectReference`, 'A second object the event concerns.'),
      reportingComponent: str('The controller that emitted the event, such as `k8ts.io/kubelet`.'),
      reportingInstance: str('The instance of that controller, such as a node name.'),
    },
    ['metadata', 'involvedObject'],
  ),
  [`${core}EventSource`]: obj('The reporter of an event.', {
    component: str('Component name.'),
    host: str('Node name.'),
  }),
  [`${core}EventSeries`]: obj('A series of repeats of an event.', {
    count: int32('Repeats so far.'),
    lastObservedTime: microTime('When the last repeat was seen.'),
  }),
};
