/**
 * Defaulting of PodSpec and its parts, as the v1 API applies it to pods and to every pod
 * template (deployments, jobs, ...): restart and DNS policy, grace period, scheduler, container
 * pull policy and termination message, port protocols, probe timings, volume modes.
 */
import { isObject, objects, setDefault, str, type JsonObject } from '../../meta/shape.ts';

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** 0644: the file mode of projected keys in configMap/secret/downwardAPI/projected volumes. */
const DEFAULT_VOLUME_MODE = 0o644;

/**
 * The tag of an image reference (`nginx:1.27` → `1.27`), `latest` when it has neither tag nor
 * digest, '' when it is pinned by digest only. A `:port` in the registry host is not a tag.
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon >= 0) return lastSegment.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

const PROBE_DEFAULTS: Readonly<Record<string, number>> = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  for (const [field, value] of Object.entries(PROBE_DEFAULTS)) {
    if (probe[field] === undefined || probe[field] === null || probe[field] === 0) probe[field] = value;
  }
  defaultHandler(probe);
}

/** httpGet handlers default to path `/` over HTTP. */
function defaultHandler(handler: unknown): void {
  if (!isObject(handler) || !isObject(handler.httpGet)) return;
  setDefault(handler.httpGet, 'path', '/');
  setDefault(handler.httpGet, 'scheme', 'HTTP');
}

function defaultEnv(env: unknown): void {
  for (const e of objects(env)) {
    if (isObject(e.valueFrom) && isObject(e.valueFrom.fieldRef)) setDefault(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
}

/** Defaults one container (regular, init or ephemeral). */
export function defaultContainer(c: JsonObject): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '') {
    c.imagePullPolicy = imageTag(str(c.image)) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  if (c.resources === undefined || c.resources === null) c.resources = {};
  for (const p of objects(c.ports)) setDefault(p, 'protocol', 'TCP');
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObject(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
  defaultEnv(c.env);
}

const VOLUME_SOURCES_WITH_MODE = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;

function defaultVolume(v: JsonObject): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
  if (sources.length === 0) v.emptyDir = {};
  for (const kind of VOLUME_SOURCES_WITH_MODE) {
    if (isObject(v[kind])) setDefault(v[kind], 'defaultMode', DEFAULT_VOLUME_MODE);
  }
  if (isObject(v.hostPath)) setDefault(v.hostPath, 'type', '');
  if (isObject(v.projected)) {
    for (const source of objects(v.projected.sources)) {
      if (isObject(source.serviceAccountToken)) setDefault(source.serviceAccountToken, 'expirationSeconds', 3600);
    }
  }
}

/** Defaults a PodSpec in place (pods and pod templates alike). */
export function defaultPodSpec(spec: unknown): void {
  if (!isObject(spec)) return;
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  if (!isObject(spec.securityContext)) spec.securityContext = {};
  setDefault(spec, 'terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  setDefault(spec, 'schedulerName', DEFAULT_SCHEDULER_NAME);
  // serviceAccount is the deprecated alias of serviceAccountName; the two are kept in step.
  if (str(spec.serviceAccountName) === '' && str(spec.serviceAccount) !== '') spec.serviceAccountName = spec.serviceAccount;
  if (str(spec.serviceAccountName) !== '') spec.serviceAccount = spec.serviceAccountName;
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers), ...objects(spec.ephemeralContainers)]) {
    defaultContainer(c);
  }
  for (const v of objects(spec.volumes)) defaultVolume(v);
}

/** Defaults a PodTemplateSpec (`{metadata, spec}`) in place. */
export function defaultPodTemplate(template: unknown): void {
  if (isObject(template)) defaultPodSpec(template.spec);
}
