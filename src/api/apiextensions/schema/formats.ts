/**
 * The string formats a custom resource schema may check (those Kubernetes validates). A format
 * not listed here is not checked, as upstream ignores formats it does not know. Numeric formats
 * (`int32`, `double`, ...) only document the width and check nothing.
 */
import { isIPv4, isIPv6 } from '../../validation/names.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const UUID_V = (v: number): RegExp => new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`, 'i');
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/;

function isCidr(v: string): boolean {
  const slash = v.indexOf('/');
  if (slash < 0) return false;
  const ip = v.slice(0, slash);
  const bits = v.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  if (isIPv4(ip)) return Number(bits) <= 32;
  return isIPv6(ip) && Number(bits) <= 128;
}

function isUri(v: string): boolean {
  try {
    return new URL(v).protocol !== '';
  } catch {
    return false;
  }
}

/** Format name → check of a string value. */
export const STRING_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  'date-time': (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))),
  datetime: (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))),
  date: (v) => DATE.test(v),
  byte: (v) => BASE64.test(v),
  uuid: (v) => UUID.test(v),
  uuid3: (v) => UUID_V(3).test(v),
  uuid4: (v) => UUID_V(4).test(v),
  uuid5: (v) => UUID_V(5).test(v),
  email: (v) => EMAIL.test(v),
  hostname: (v) => HOSTNAME.test(v),
  ipv4: (v) => isIPv4(v),
  ipv6: (v) => isIPv6(v),
  cidr: isCidr,
  mac: (v) => MAC.test(v),
  uri: isUri,
  duration: (v) => DURATION.test(v),
  password: () => true,
};

/** Numeric formats: accepted and not checked. */
export const NUMBER_FORMATS: readonly string[] = ['int32', 'int64', 'float', 'double'];
