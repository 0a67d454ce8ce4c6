/**
 * The two ways a protobuf request body can fail: bytes that are not valid protobuf (the client's
 * encoder or the transport is broken: 400), and valid protobuf this server has no descriptor for
 * (a kind or a field it does not decode: 415, the client should send JSON). The apiserver maps
 * each onto its metav1.Status.
 */

/** The bytes are not a well-formed Kubernetes protobuf message. */
export class ProtobufDecodeError extends Error {
  override name = 'ProtobufDecodeError';
}

/** Well-formed protobuf naming a kind or a field this server cannot decode. */
export class ProtobufUnsupportedError extends Error {
  override name = 'ProtobufUnsupportedError';
}
