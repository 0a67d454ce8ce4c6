/**
 * lb: the load balancer in front of an HA cluster's apiservers (`k8ts lb`): the built-in TCP
 * balancer with active /readyz checks, or HAProxy supervised by the same process; both report
 * their backends on a status port.
 */
export { backendAddress, formatBackendsFile, parseBackend, parseBackendsText, readBackendsFile, type Backend } from './backends.ts';
export { BackendPool, type BackendPoolOptions, type BackendStatus } from './backend-pool.ts';
export { startBuiltinBalancer, type BuiltinBalancerOptions, type RunningLoadBalancer } from './builtin-balancer.ts';
export { haproxyFiles, parseHaproxyStats, startHaproxyBalancer, type HaproxyBalancerOptions } from './haproxy-balancer.ts';
export { renderHaproxyConfig } from './haproxy-config.ts';
export { checkReadyz, type CheckOutcome, type CheckResult } from './readiness-check.ts';
export { startStatusServer, type LoadBalancerStatus } from './status-server.ts';
