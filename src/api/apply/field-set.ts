/**
 * A set of field paths, stored as a trie: at each node, `members` are the path elements that
 * end a path of the set, and `children` hold the longer paths below an element. A path and
 * paths below it are independent members: `metadata.labels` may be in a set that also holds
 * `metadata.labels.app`, or not. This is what managedFields record per manager, serialized as
 * FieldsV1 (`{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`: `.` marks a node that is itself a
 * member). Sets are immutable once built; operations return new sets. Invariant: a child set is
 * never empty (operations drop emptied children), so emptiness is a local check.
 * Upstream: sigs.k8s.io/structured-merge-diff fieldpath/set.go, fieldpath/serialize.go.
 */
import { comparePathElements, isPathElement, type FieldPath, type PathElement } from './path-element.ts';

export class FieldSet {
  readonly members: ReadonlySet<PathElement>;
  readonly children: ReadonlyMap<PathElement, FieldSet>;

  constructor(members: ReadonlySet<PathElement> = new Set(), children: ReadonlyMap<PathElement, FieldSet> = new Map()) {
    this.members = members;
    this.children = children;
  }

  static readonly EMPTY = new FieldSet();

  /** A set of the given paths (the empty path is ignored). */
  static of(...paths: FieldPath[]): FieldSet {
    const builder = new FieldSetBuilder();
    for (const p of paths) builder.insert(p);
    return builder.build();
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    const parent = path.slice(0, -1).reduce<FieldSet | undefined>((node, pe) => node?.children.get(pe), this);
    return parent?.members.has(path[path.length - 1]!) ?? false;
  }

  /** The paths below `pe`, relative to it. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(pe) ?? FieldSet.EMPTY;
  }

  /** Every path of the set, in serialization order. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (node: FieldSet, prefix: PathElement[]): void => {
      const elements = new Set([...node.members, ...node.children.keys()]);
      for (const pe of [...elements].sort(comparePathElements)) {
        if (node.members.has(pe)) out.push([...prefix, pe]);
        const child = node.children.get(pe);
        if (child !== undefined) walk(child, [...prefix, pe]);
      }
    };
    walk(this, []);
    return out;
  }

  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    const members = new Set([...this.members, ...other.members]);
    const children = new Map(this.children);
    for (const [pe, child] of other.children) {
      const mine = children.get(pe);
      children.set(pe, mine === undefined ? child : mine.union(child));
    }
    return new FieldSet(members, children);
  }

  intersection(other: FieldSet): FieldSet {
    const members = new Set([...this.members].filter((pe) => other.members.has(pe)));
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, child] of this.children) {
      const theirs = other.children.get(pe);
      if (theirs === undefined) continue;
      const both = child.intersection(theirs);
      if (!both.isEmpty()) children.set(pe, both);
    }
    return new FieldSet(members, children);
  }

  /** The paths of this set that `other` does not hold; paths below them are compared one by one. */
  difference(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    const members = new Set([...this.members].filter((pe) => !other.members.has(pe)));
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, child] of this.children) {
      const theirs = other.children.get(pe);
      const rest = theirs === undefined ? child : child.difference(theirs);
      if (!rest.isEmpty()) children.set(pe, rest);
    }
    return new FieldSet(members, children);
  }

  /** Like difference, and a member of `other` also takes every path below it away. */
  recursiveDifference(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    const members = new Set([...this.members].filter((pe) => !other.members.has(pe)));
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, child] of this.children) {
      if (other.members.has(pe)) continue;
      const theirs = other.children.get(pe);
      const rest = theirs === undefined ? child : child.recursiveDifference(theirs);
      if (!rest.isEmpty()) children.set(pe, rest);
    }
    return new FieldSet(members, children);
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** The FieldsV1 form: `{"f:spec":{"f:replicas":{}}}`, `.` marking members that have children. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const elements = new Set([...this.members, ...this.children.keys()]);
    for (const pe of [...elements].sort(comparePathElements)) {
      const child = this.children.get(pe);
      if (child === undefined) {
        out[pe] = {};
        continue;
      }
      const inner = child.toFieldsV1();
      out[pe] = this.members.has(pe) ? { '.': {}, ...inner } : inner;
    }
    return out;
  }

  /** Reads the FieldsV1 form; keys that are not path elements are skipped, as upstream does. */
  static fromFieldsV1(value: unknown): FieldSet {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('fieldsV1 must be an object');
    const members = new Set<PathElement>();
    const children = new Map<PathElement, FieldSet>();
    for (const [key, inner] of Object.entries(value)) {
      if (!isPathElement(key)) continue;
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw new Error(`fieldsV1 entry ${key} must be an object`);
      const entries = Object.keys(inner);
      if (entries.length === 0 || entries.includes('.')) members.add(key);
      const below = FieldSet.fromFieldsV1(inner);
      if (!below.isEmpty()) children.set(key, below);
    }
    return new FieldSet(members, children);
  }
}

/** Builds a set path by path (cheaper than repeated unions while walking an object). */
export class FieldSetBuilder {
  readonly #members = new Set<PathElement>();
  readonly #children = new Map<PathElement, FieldSetBuilder>();

  insert(path: FieldPath): void {
    if (path.length === 0) return;
    this.#insertAt(path, 0);
  }

  #insertAt(path: FieldPath, at: number): void {
    const pe = path[at]!;
    if (at === path.length - 1) {
      this.#members.add(pe);
      return;
    }
    let next = this.#children.get(pe);
    if (next === undefined) {
      next = new FieldSetBuilder();
      this.#children.set(pe, next);
    }
    next.#insertAt(path, at + 1);
  }

  build(): FieldSet {
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, child] of this.#children) {
      const built = child.build();
      if (!built.isEmpty()) children.set(pe, built);
    }
    return new FieldSet(new Set(this.#members), children);
  }
}
