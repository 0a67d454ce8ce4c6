/**
 * Message descriptors: for each Kubernetes protobuf message k8ts decodes, which field number is
 * which JSON field, of what type. The tables (messages/*.ts) are written for k8ts from the field
 * numbers of the Kubernetes API; they list only what k8ts decodes, and a field they do not list
 * is refused rather than dropped (see decode-message.ts).
 *
 * Zero values: Kubernetes' encoder writes every non-pointer field, zero or not, while its JSON
 * encoder omits zero `omitempty` fields. A field whose Go type is a pointer (`*int32 replicas`,
 * `*bool suspend`) is written only when set, so its zero value means something: those fields
 * are declared with `present: true` and keep their zeros; all other zero scalars are dropped, so
 * the decoded object is the one the same client would have sent as JSON.
 */

/** How one value is read and what JSON it becomes. */
export type ValueType =
  | 'string'
  | 'bool'
  | 'int32'
  | 'int64'
  /** bytes, as base64 in JSON (Secret.data). */
  | 'bytes'
  /** metav1.Time {seconds, nanos} → RFC 3339 with second precision; an empty message is unset. */
  | 'time'
  /** intstr.IntOrString {type, intVal, strVal} → a number or a string. */
  | 'intOrString'
  /** resource.Quantity {string} → its string. */
  | 'quantity'
  /** A message of one bytes field holding JSON (metav1.FieldsV1, runtime.RawExtension) → that JSON. */
  | 'json'
  /** A message of one repeated string (authentication ExtraValue) → a string array. */
  | 'stringList'
  | MessageRef;

/** A nested message, referenced lazily so tables may refer to each other in any order. */
export interface MessageRef {
  readonly message: () => MessageDescriptor;
}

export interface FieldDescriptor {
  /** The JSON field name (unused for inline fields). */
  readonly name: string;
  readonly type: ValueType;
  /** A list in JSON (repeated on the wire). */
  readonly repeated?: boolean;
  /** A map<string, type> (a repeated key/value entry message on the wire). */
  readonly map?: boolean;
  /** A Go pointer: present on the wire only when set, so its zero value is kept. */
  readonly present?: boolean;
  /** An embedded struct whose fields appear directly in the parent's JSON (VolumeSource in Volume). */
  readonly inline?: boolean;
}

export interface MessageDescriptor {
  /** The protobuf message name (`k8s.io.api.core.v1.Container`), for error messages. */
  readonly name: string;
  readonly fields: ReadonlyMap<number, FieldDescriptor>;
}

/** Builds a descriptor from `{ fieldNumber: field }`. */
export function message(name: string, fields: Readonly<Record<number, FieldDescriptor>>): MessageDescriptor {
  return { name, fields: new Map(Object.entries(fields).map(([n, f]) => [Number(n), f])) };
}

const field = (name: string, type: ValueType, extra: Partial<FieldDescriptor> = {}): FieldDescriptor => ({ name, type, ...extra });

export const str = (name: string): FieldDescriptor => field(name, 'string');
export const bool = (name: string): FieldDescriptor => field(name, 'bool');
export const int32 = (name: string): FieldDescriptor => field(name, 'int32');
export const int64 = (name: string): FieldDescriptor => field(name, 'int64');
export const bytes = (name: string): FieldDescriptor => field(name, 'bytes');
export const time = (name: string): FieldDescriptor => field(name, 'time');
export const intOrString = (name: string): FieldDescriptor => field(name, 'intOrString');
export const quantity = (name: string): FieldDescriptor => field(name, 'quantity');
export const json = (name: string): FieldDescriptor => field(name, 'json');

/** Pointer fields (`*string`, `*bool`, `*int32`, `*int64`): zero values are kept. */
export const optStr = (name: string): FieldDescriptor => field(name, 'string', { present: true });
export const optBool = (name: string): FieldDescriptor => field(name, 'bool', { present: true });
export const optInt32 = (name: string): FieldDescriptor => field(name, 'int32', { present: true });
export const optInt64 = (name: string): FieldDescriptor => field(name, 'int64', { present: true });

export const strings = (name: string): FieldDescriptor => field(name, 'string', { repeated: true });
export const int32s = (name: string): FieldDescriptor => field(name, 'int32', { repeated: true });
export const int64s = (name: string): FieldDescriptor => field(name, 'int64', { repeated: true });

export const msg = (name: string, of: () => MessageDescriptor): FieldDescriptor => field(name, { message: of });
export const msgs = (name: string, of: () => MessageDescriptor): FieldDescriptor => field(name, { message: of }, { repeated: true });
/** An embedded struct inlined into the parent's JSON. */
export const inline = (of: () => MessageDescriptor): FieldDescriptor => field('', { message: of }, { inline: true });

export const stringMap = (name: string): FieldDescriptor => field(name, 'string', { map: true });
export const bytesMap = (name: string): FieldDescriptor => field(name, 'bytes', { map: true });
export const quantityMap = (name: string): FieldDescriptor => field(name, 'quantity', { map: true });
export const stringListMap = (name: string): FieldDescriptor => field(name, 'stringList', { map: true });
export const timeMap = (name: string): FieldDescriptor => field(name, 'time', { map: true });
