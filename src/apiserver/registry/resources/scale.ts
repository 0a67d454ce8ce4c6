/**
 * The scale subresource of kinds that keep their desired count in spec.replicas and their
 * current count in status.replicas (deployments, replica sets, stateful sets).
 */
import { selectorToString, SelectorParseError } from '../../../api/labels/index.ts';
import { count, isObject } from '../../../api/meta/shape.ts';
import type { ScaleMapping } from '../strategy.ts';

export const replicasScale: ScaleMapping = {
  specReplicas: (obj) => (isObject(obj.spec) && typeof obj.spec.replicas === 'number' ? obj.spec.replicas : 1),
  statusReplicas: (obj) => (isObject(obj.status) ? count(obj.status.replicas) : 0),
  selector: (obj) => {
    const selector: unknown = isObject(obj.spec) ? obj.spec.selector : undefined;
    try {
      return selectorToString(isObject(selector) ? selector : null);
    } catch (err) {
      // A stored object with a selector that does not compile selects nothing.
      if (err instanceof SelectorParseError) return '';
      throw err;
    }
  },
  setSpecReplicas: (obj, replicas) => {
    if (!isObject(obj.spec)) obj.spec = {};
    obj.spec.replicas = replicas;
  },
};
