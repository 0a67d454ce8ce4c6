/**
 * The versions a kubelet reports in node.status.nodeInfo. The kubelet speaks the 1.32 API, as
 * the apiserver does (src/apiserver/version.ts holds the same numbers; a test keeps them equal).
 */
export const K8TS_VERSION = '0.1.0';
export const KUBELET_VERSION = `v1.32.0+k8ts.${K8TS_VERSION}`;
