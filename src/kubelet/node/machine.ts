/**
 * What the node reports about the machine it runs on: CPUs, memory, kernel, OS image and the
 * machine and boot IDs (node.status.nodeInfo and capacity).
 */
import { readFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly kernelVersion: string;
  readonly osImage: string;
  readonly machineID: string;
  readonly bootID: string;
  /** Kubernetes' name for the architecture (`amd64`, `arm64`, …). */
  readonly architecture: string;
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function osImage(): string {
  const release = readTrimmed('/etc/os-release');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1];
  return pretty ?? 'Linux';
}

const ARCH_NAMES: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

/** Reads this machine's facts (once per process; they do not change). */
export function readMachineInfo(): MachineInfo {
  return {
    cpus: cpus().length,
    memoryBytes: totalmem(),
    kernelVersion: release(),
    osImage: osImage(),
    machineID: readTrimmed('/etc/machine-id'),
    bootID: readTrimmed('/proc/sys/kernel/random/boot_id'),
    architecture: ARCH_NAMES[arch()] ?? arch(),
  };
}
