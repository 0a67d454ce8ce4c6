/**
 * core/v1 container schemas: Container and EphemeralContainer with their ports, environment,
 * resources, mounts, probes, lifecycle hooks and security context.
 */
import type { OpenApiSchema, SchemaSet } from '../schema-types.ts';
import {
  apiPrefix, arr, atomicList, bool, int32, int64, intOrString, keyedList, loose, obj, quantity, ref, resourceList, str, strings,
} from './dsl.ts';

const core = apiPrefix('', 'v1');

/** The fields every container kind shares (regular, init and ephemeral containers). */
const containerFields: Readonly<Record<string, OpenApiSchema>> = {
  name: str('Name of the container, unique within the pod (a DNS label).'),
  image: str('Image reference. With the process runtime, informational only: the command runs on the host.'),
  command: strings('The executable and its arguments; replaces the image entrypoint. `$(VAR)` expands from the environment.'),
  args: strings('Arguments to the command; replace the image command. `$(VAR)` expands from the environment.'),
  workingDir: str('Working directory of the command.'),
  ports: keyedList(ref(`${core}ContainerPort`), 'containerPort', 'Ports the container exposes (informational; any port it listens on is reachable).', {
    listMapKeys: ['containerPort', 'protocol'],
  }),
  envFrom: atomicList(ref(`${core}EnvFromSource`), 'Sources whose keys all become environment variables; `env` wins on clashes.'),
  env: keyedList(ref(`${core}EnvVar`), 'name', 'Environment variables of the container.'),
  resources: ref(`${core}ResourceRequirements`, 'Compute resources the container requests and may use at most.'),
  resizePolicy: atomicList(loose('How a resource of the container is resized in place.'), 'Resize policies per resource.'),
  restartPolicy: str('For init containers only: `Always` makes it a sidecar that keeps running.'),
  volumeMounts: keyedList(ref(`${core}VolumeMount`), 'mountPath', 'Pod volumes mounted into the container filesystem.'),
  volumeDevices: keyedList(ref(`${core}VolumeDevice`), 'devicePath', 'Block devices the container uses.'),
  livenessProbe: ref(`${core}Probe`, 'Probe of liveness; the container restarts when it fails.'),
  readinessProbe: ref(`${core}Probe`, 'Probe of readiness; a failing container takes the pod out of service endpoints.'),
  startupProbe: ref(`${core}Probe`, 'Probe of startup; other probes wait until it succeeds.'),
  lifecycle: ref(`${core}Lifecycle`, 'Actions run right after start and before stop.'),
  terminationMessagePath: str('File whose content becomes the termination message. Defaults to /dev/termination-log.'),
  terminationMessagePolicy: str('`File`, or `FallbackToLogsOnError` to use the log tail when the file is empty.'),
  imagePullPolicy: str('`Always`, `Never` or `IfNotPresent`.'),
  securityContext: ref(`${core}SecurityContext`, 'Security options of the container.'),
  stdin: bool('Keeps a stdin stream open for the container (attach).'),
  stdinOnce: bool('Closes stdin after the first attach ends.'),
  tty: bool('Allocates a terminal for the container; needs stdin.'),
};

export const coreV1ContainerSchemas: SchemaSet = {
  [`${core}Container`]: obj('A program to run in a pod.', containerFields, { required: ['name'] }),
  [`${core}EphemeralContainer`]: obj(
    'A container added to a running pod for debugging.',
    { ...containerFields, targetContainerName: str('The container whose namespaces this one joins.') },
    { required: ['name'] },
  ),
  [`${core}ContainerPort`]: obj(
    'A network port of a container.',
    {
      name: str('Name of the port (an IANA service name), referable from services and probes.'),
      hostPort: int32('Port to expose on the node, if any.'),
      containerPort: int32('The port number the container listens on.'),
      protocol: str('`TCP` (default), `UDP` or `SCTP`.', { default: 'TCP' }),
      hostIP: str('Node IP to bind the host port to.'),
    },
    { required: ['containerPort'] },
  ),
  [`${core}EnvVar`]: obj(
    'One environment variable.',
    {
      name: str('Name of the variable.'),
      value: str('Value; `$(VAR)` refers to variables defined earlier.'),
      valueFrom: ref(`${core}EnvVarSource`, 'Where to read the value from, instead of `value`.'),
    },
    { required: ['name'] },
  ),
  [`${core}EnvVarSource`]: obj('A source of an environment variable value.', {
    configMapKeyRef: ref(`${core}ConfigMapKeySelector`, 'A key of a ConfigMap.'),
    secretKeyRef: ref(`${core}SecretKeySelector`, 'A key of a Secret.'),
    fieldRef: ref(`${core}ObjectFieldSelector`, 'A field of the pod, such as `metadata.name` or `status.podIP`.'),
    resourceFieldRef: ref(`${core}ResourceFieldSelector`, 'A resource limit or request of a container.'),
  }),
  [`${core}ConfigMapKeySelector`]: obj(
    'A key of a ConfigMap in the pod namespace.',
    {
      name: str('Name of the ConfigMap.'),
      key: str('The key to read.'),
      optional: bool('Tolerates a missing ConfigMap or key.'),
    },
    { required: ['key'], mapType: 'atomic' },
  ),
  [`${core}SecretKeySelector`]: obj(
    'A key of a Secret in the pod namespace.',
    {
      name: str('Name of the Secret.'),
      key: str('The key to read.'),
      optional: bool('Tolerates a missing Secret or key.'),
    },
    { required: ['key'], mapType: 'atomic' },
  ),
  [`${core}ObjectFieldSelector`]: obj(
    'A field of the pod.',
    {
      apiVersion: str('Version the field path is written in; defaults to v1.'),
      fieldPath: str('Path of the field, such as `metadata.labels[\'app\']`.'),
    },
    { required: ['fieldPath'], mapType: 'atomic' },
  ),
  [`${core}ResourceFieldSelector`]: obj(
    'A resource amount of a container.',
    {
      containerName: str('The container; required in volumes, optional in env.'),
      resource: str('`limits.cpu`, `requests.memory`, and so on.'),
      divisor: quantity('Unit the value is divided by; defaults to 1.'),
    },
    { required: ['resource'], mapType: 'atomic' },
  ),
  [`${core}EnvFromSource`]: obj('A ConfigMap or Secret whose keys become environment variables.', {
    prefix: str('Prefix prepended to every key.'),
    configMapRef: ref(`${core}ConfigMapEnvSource`, 'The ConfigMap to read.'),
    secretRef: ref(`${core}SecretEnvSource`, 'The Secret to read.'),
  }),
  [`${core}ConfigMapEnvSource`]: obj('A ConfigMap read as environment variables.', {
    name: str('Name of the ConfigMap.'),
    optional: bool('Tolerates a missing ConfigMap.'),
  }),
  [`${core}SecretEnvSource`]: obj('A Secret read as environment variables.', {
    name: str('Name of the Secret.'),
    optional: bool('Tolerates a missing Secret.'),
  }),
  [`${core}ResourceRequirements`]: obj('Compute resources of a container.', {
    limits: resourceList('The most the container may use, per resource.'),
    requests: resourceList('What the container needs; used for scheduling.'),
    claims: arr(ref(`${core}ResourceClaim`), { description: 'Dynamic resource claims of the pod this container uses.', listType: 'map', listMapKeys: ['name'] }),
  }),
  [`${core}ResourceClaim`]: obj(
    'Use of one of the pod resource claims.',
    {
      name: str('Name of an entry of the pod `resourceClaims`.'),
      request: str('The request within the claim, if only one is used.'),
    },
    { required: ['name'] },
  ),
  [`${core}VolumeMount`]: obj(
    'A volume mounted into a container.',
    {
      name: str('Name of a pod volume.'),
      readOnly: bool('Mounts read-only.'),
      recursiveReadOnly: str('Whether read-only applies to sub-mounts too.'),
      mountPath: str('Path inside the container to mount at.'),
      subPath: str('Path within the volume to mount instead of its root.'),
      mountPropagation: str('How mounts propagate between host and container.'),
      subPathExpr: str('Like subPath, with `$(VAR)` expanded from the environment.'),
    },
    { required: ['name', 'mountPath'] },
  ),
  [`${core}VolumeDevice`]: obj(
    'A raw block volume mapped into a container.',
    {
      name: str('Name of a persistent volume claim of the pod.'),
      devicePath: str('Path inside the container the device appears at.'),
    },
    { required: ['name', 'devicePath'] },
  ),
  [`${core}Probe`]: obj('A periodic health check of a container.', {
    exec: ref(`${core}ExecAction`, 'Run a command; exit code 0 is success.'),
    httpGet: ref(`${core}HTTPGetAction`, 'Send an HTTP GET; a 2xx or 3xx answer is success.'),
    tcpSocket: ref(`${core}TCPSocketAction`, 'Open a TCP connection; connecting is success.'),
    grpc: ref(`${core}GRPCAction`, 'Call the gRPC health service.'),
    initialDelaySeconds: int32('Seconds after start before the first probe.'),
    timeoutSeconds: int32('Seconds before a probe attempt times out. Defaults to 1.'),
    periodSeconds: int32('Seconds between probes. Defaults to 10.'),
    successThreshold: int32('Consecutive successes that count as success after a failure. Defaults to 1.'),
    failureThreshold: int32('Consecutive failures that count as failure. Defaults to 3.'),
    terminationGracePeriodSeconds: int64('Grace period when a failed liveness or startup probe kills the container.'),
  }),
  [`${core}ExecAction`]: obj('A command to run in the container.', {
    command: strings('The command and its arguments; not run through a shell.'),
  }),
  [`${core}HTTPGetAction`]: obj(
    'An HTTP GET request.',
    {
      path: str('Path to request.'),
      port: intOrString('Port number or container port name.'),
      host: str('Host to connect to; defaults to the pod IP.'),
      scheme: str('`HTTP` (default) or `HTTPS`.'),
      httpHeaders: atomicList(ref(`${core}HTTPHeader`), 'Extra request headers.'),
    },
    { required: ['port'] },
  ),
  [`${core}HTTPHeader`]: obj('An HTTP header.', { name: str('Header name.'), value: str('Header value.') }, { required: ['name', 'value'] }),
  [`${core}TCPSocketAction`]: obj(
    'A TCP connection attempt.',
    {
      port: intOrString('Port number or container port name.'),
      host: str('Host to connect to; defaults to the pod IP.'),
    },
    { required: ['port'] },
  ),
  [`${core}GRPCAction`]: obj(
    'A gRPC health check call.',
    {
      port: int32('Port of the gRPC service.'),
      service: str('Service name sent in the health check request.'),
    },
    { required: ['port'] },
  ),
  [`${core}SleepAction`]: obj('A pause.', { seconds: int64('Seconds to sleep.') }, { required: ['seconds'] }),
  [`${core}Lifecycle`]: obj('Hooks run around the container life.', {
    postStart: ref(`${core}LifecycleHandler`, 'Runs right after the container starts; a failure restarts it.'),
    preStop: ref(`${core}LifecycleHandler`, 'Runs before the container is stopped.'),
    stopSignal: str('Signal sent to stop the container.'),
  }),
  [`${core}LifecycleHandler`]: obj('One lifecycle action.', {
    exec: ref(`${core}ExecAction`, 'Run a command.'),
    httpGet: ref(`${core}HTTPGetAction`, 'Send an HTTP GET.'),
    tcpSocket: ref(`${core}TCPSocketAction`, 'Deprecated; kept for compatibility.'),
    sleep: ref(`${core}SleepAction`, 'Wait a number of seconds.'),
  }),
  [`${core}SecurityContext`]: obj('Security options of a container; they override the pod-level ones.', {
    capabilities: ref(`${core}Capabilities`, 'Capabilities to add and drop.'),
    privileged: bool('Runs the container privileged.'),
    seLinuxOptions: loose('SELinux context of the container.'),
    windowsOptions: loose('Windows-specific options.'),
    runAsUser: int64('UID the process runs as.'),
    runAsGroup: int64('GID the process runs as.'),
    runAsNonRoot: bool('Refuses to start the container as root.'),
    readOnlyRootFilesystem: bool('Mounts the root filesystem read-only.'),
    allowPrivilegeEscalation: bool('Whether the process may gain more privileges than its parent.'),
    procMount: str('Kind of /proc mount.'),
    seccompProfile: ref(`${core}SeccompProfile`, 'The seccomp profile.'),
    appArmorProfile: loose('The AppArmor profile.'),
  }),
  [`${core}Capabilities`]: obj('Linux capabilities to add and drop.', {
    add: strings('Capabilities to add.'),
    drop: strings('Capabilities to drop.'),
  }),
  [`${core}SeccompProfile`]: obj(
    'A seccomp profile.',
    {
      type: str('`RuntimeDefault`, `Unconfined` or `Localhost`.'),
      localhostProfile: str('Path of the profile on the node, for `Localhost`.'),
    },
    { required: ['type'] },
  ),
};
