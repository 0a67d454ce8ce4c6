/**
 * The default ClusterRoles that are not tied to one component: the superuser role, what every
 * client needs to find its way (discovery, health, version, its own access reviews), metrics
 * scraping, and delegated authentication and authorization for servers that check their
 * callers against the apiserver.
 */
import type { KubeObject } from '../../api/meta/types.ts';
import { clusterRole, rule, urlRule } from './policy-builders.ts';

/** Health endpoints anyone may read, as the load balancers and probes do without credentials. */
const PUBLIC_INFO_URLS = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

/** The roles of the file comment, in the order they are created. */
export const SYSTEM_ROLES: readonly KubeObject[] = [
  clusterRole('cluster-admin', [rule(['*'], '*', ['*']), urlRule(['*'], ['*'])]),
  clusterRole('system:discovery', [urlRule(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', ...PUBLIC_INFO_URLS])]),
  clusterRole('system:basic-user', [
    rule(['create'], 'authorization.k8s.io', ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    rule(['create'], 'authentication.k8s.io', ['selfsubjectreviews']),
  ]),
  clusterRole('system:public-info-viewer', [urlRule(['get'], PUBLIC_INFO_URLS)]),
  clusterRole('system:monitoring', [
    urlRule(['get'], ['/metrics', '/metrics/slis', '/livez', '/livez/*', '/readyz', '/readyz/*', '/healthz', '/healthz/*']),
  ]),
  clusterRole('system:auth-delegator', [
    rule(['create'], 'authentication.k8s.io', ['tokenreviews']),
    rule(['create'], 'authorization.k8s.io', ['subjectaccessreviews']),
  ]),
];
