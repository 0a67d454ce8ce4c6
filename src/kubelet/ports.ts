/** The kubelet's HTTPS port (upstream's default), where the apiserver reaches it. */
export const KUBELET_PORT = 10250;
