/**
 * A ContainerRuntime for unit tests of the pod worker: containers are objects the test ends by
 * hand (`exit`), exec results are scripted per command, and every call is recorded. No process
 * is ever started. For tests only.
 */
import type { Pod } from '../api-types.ts';
import type { ContainerExit } from '../pod/container-state.ts';
import type { ContainerHandle, ContainerRuntime, ExecOptions, ExecProcess, PodSandbox, RecoveredPod, SavedContainer, StartRequest } from '../runtime/runtime.ts';
import { StartError } from '../runtime/runtime.ts';

/** A started fake instance. */
export class FakeContainer implements ContainerHandle {
  readonly containerID: string;
  readonly startedAt = '2025-01-01T00:00:00Z';
  readonly env: ReadonlyMap<string, string>;
  readonly workingDir = '/work';
  readonly logPath: string;
  readonly request: StartRequest;
  readonly exited: Promise<ContainerExit>;
  /** Grace periods of the stop() calls, in order. */
  readonly stops: number[] = [];
  /** Exit code used when stop() is called and `exitOnStop` is set. */
  exitOnStop: number | undefined = 143;
  #resolve!: (exit: ContainerExit) => void;
  #ended = false;

  constructor(id: string, request: StartRequest) {
    this.containerID = `fake://${id}`;
    this.request = request;
    this.env = request.env;
    this.logPath = `/logs/${request.name}/${request.instance}.log`;
    this.exited = new Promise((resolve) => (this.#resolve = resolve));
  }

  get running(): boolean {
    return !this.#ended;
  }

  /** Ends the instance with `exitCode`. */
  exit(exitCode: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#resolve({ exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: this.startedAt, finishedAt: '2025-01-01T00:00:01Z', containerID: this.containerID });
  }

  stop(graceMs: number): Promise<ContainerExit> {
    this.stops.push(graceMs);
    if (this.exitOnStop !== undefined) this.exit(this.exitOnStop);
    return this.exited;
  }
}

export class FakeRuntime implements ContainerRuntime {
  readonly version = 'fake://1';
  /** Every instance started, in order. */
  readonly started: FakeContainer[] = [];
  /** How often preparePod ran: the pod's setup, then each volume refresh. */
  preparations = 0;
  readonly removed: string[] = [];
  readonly saved = new Map<string, readonly SavedContainer[]>();
  /** Commands that fail to start (StartError), by argv[0]. */
  readonly unstartable = new Set<string>();
  /** Exit code of exec'd commands, by the command joined with spaces (default 0). */
  readonly execResults = new Map<string, number>();
  readonly execs: string[][] = [];
  #seq = 0;

  async preparePod(pod: Pod, podIP: string): Promise<PodSandbox> {
    void pod;
    this.preparations++;
    return { volumePaths: new Map(), baseEnv: new Map([['POD_IP', podIP]]) };
  }

  async startContainer(_pod: Pod, request: StartRequest): Promise<FakeContainer> {
    if (this.unstartable.has(request.argv[0] ?? '')) throw new StartError(`exec: "${request.argv[0]}": executable file not found in $PATH`);
    const c = new FakeContainer(String(++this.#seq), request);
    this.started.push(c);
    return c;
  }

  async saveContainers(pod: Pod, _ip: string, containers: readonly SavedContainer[]): Promise<void> {
    this.saved.set(pod.metadata.uid ?? '', containers);
  }

  async recoverPods(): Promise<RecoveredPod[]> {
    return [];
  }

  exec(_handle: ContainerHandle, argv: readonly string[], _options: ExecOptions): ExecProcess {
    this.execs.push([...argv]);
    const code = this.execResults.get(argv.join(' ')) ?? 0;
    return { stdin: null, stdout: null, stderr: null, exited: Promise.resolve(code), kill: () => undefined };
  }

  logPath(uid: string, name: string, instance: number): string {
    return `/logs/${uid}/${name}/${instance}.log`;
  }

  async removePod(uid: string): Promise<void> {
    this.removed.push(uid);
  }

  /** The running instances of container `name`. */
  running(name: string): FakeContainer[] {
    return this.started.filter((c) => c.request.name === name && c.running);
  }
}
