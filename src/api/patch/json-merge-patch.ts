/**
 * JSON merge patch (RFC 7386): objects merge key by key, `null` removes a key, anything else
 * (arrays included) replaces the target value. Used for `application/merge-patch+json` and for
 * strategic merge patches of kinds without a schema.
 */
import { cloneJson, getOwn, isJsonObject, setOwn, type JsonObject } from './json-value.ts';

function mergeInto(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
    } else if (isJsonObject(value)) {
      const current = getOwn(target, key);
      setOwn(target, key, mergeInto(isJsonObject(current) ? current : {}, value));
    } else {
      setOwn(target, key, value);
    }
  }
  return target;
}

/** `target` with `patch` applied; neither argument is modified. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  return mergeInto(isJsonObject(target) ? cloneJson(target) : {}, cloneJson(patch));
}
