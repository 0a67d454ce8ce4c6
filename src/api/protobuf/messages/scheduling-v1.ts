/** scheduling.k8s.io/v1 PriorityClass (`kubectl create priorityclass`). */
import { bool, int32, message, optStr, str, type MessageDescriptor } from '../descriptor.ts';
import { metadataField } from './meta-v1.ts';

export const priorityClass: MessageDescriptor = message('k8s.io.api.scheduling.v1.PriorityClass', {
  1: metadataField,
  2: int32('value'),
  3: bool('globalDefault'),
  4: str('description'),
  5: optStr('preemptionPolicy'),
});
