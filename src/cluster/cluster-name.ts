/**
 * Cluster names. A name becomes a directory under $K8TS_HOME and part of kubeconfig entry names
 * (`k8ts-<name>`), so it must be a DNS-1123 label: 1-63 characters, lowercase letters, digits
 * and '-', starting and ending with a letter or digit.
 */

export const DEFAULT_CLUSTER_NAME = 'k8ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_LENGTH = 63;

/** Why `name` is not a valid cluster name, or undefined when it is. */
export function clusterNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_LENGTH) return `it is ${name.length} characters long (at most ${MAX_LENGTH})`;
  if (!DNS1123_LABEL.test(name)) return "it must consist of lowercase letters, digits and '-', and start and end with a letter or digit";
  return undefined;
}

/** The name of the cluster, user and context k8ts writes into kubeconfigs for cluster `name`. */
export function contextName(name: string): string {
  return `k8ts-${name}`;
}
