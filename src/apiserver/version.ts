/**
 * /version. The minor version is what clients care about: kubectl warns beyond a skew of one,
 * and the kubectl dispatcher on our machines picks its build by it. k8ts serves the 1.32 API.
 */
import { arch, platform } from 'node:process';

export const KUBERNETES_MAJOR = '1';
export const KUBERNETES_MINOR = '32';
/** k8ts's own version, carried as semver build metadata in gitVersion. */
export const K8TS_VERSION = '0.1.0';

export function versionInfo(): Record<string, string> {
  return {
    major: KUBERNETES_MAJOR,
    minor: KUBERNETES_MINOR,
    gitVersion: `v${KUBERNETES_MAJOR}.${KUBERNETES_MINOR}.0+k8ts.${K8TS_VERSION}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'k8ts',
    platform: `${platform}/${arch === 'x64' ? 'amd64' : arch}`,
  };
}
