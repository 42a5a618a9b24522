/**
 * Maps a field path inside an entity back to the YAML node it came from, so every issue
 * names file:line:column. A path that runs past what the file holds (a missing required
 * field) stops at the deepest node that exists: the object that lacks the field.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigIssue } from './types';

export type PathSegment = string | number;

/** ["levels", 2, "targets", 0] under "escalationPolicies[1]" -> "escalationPolicies[1].levels[2].targets[0]". */
export function formatPath(base: string, segments: readonly PropertyKey[]): string {
  let out = base;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** The inverse of formatPath for the domain's "levels[2].targets[0]" issue paths. */
export function parsePath(path: string): PathSegment[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] === undefined ? (m[2] ?? '') : Number(m[1])));
}

/** Where an entity sits in its file; turns (sub-path, message) into a located issue. */
export interface Locator {
  file: string;
  /** Path of the entity in its file, e.g. "services[0]". */
  path: string;
  line: number;
  column: number;
  /** An issue at `sub` below the entity; `key` points at that key of the object instead of a value. */
  issue(sub: readonly PropertyKey[], message: string, key?: string): ConfigIssue;
}

export function createLocator(file: string, doc: Document, lines: LineCounter, node: Node, path: string): Locator {
  const position = (target: Node) => {
    const { line, col } = lines.linePos(target.range?.[0] ?? 0);
    return { line, column: col };
  };
  const self = position(node);
  return {
    file,
    path,
    ...self,
    issue(sub, message, key) {
      const target = nodeAt(doc, node, sub, key);
      return { file, ...position(target), path: formatPath(path, sub), message };
    },
  };
}

/** An issue at a raw offset of a file (YAML syntax errors, file-level structure). */
export function issueAt(file: string, lines: LineCounter, offset: number, path: string, message: string): ConfigIssue {
  const { line, col } = lines.linePos(offset);
  return { file, line, column: col, path, message };
}

function child(doc: Document, node: Node, segment: PropertyKey): { value?: Node; key?: Node } {
  const resolved = isAlias(node) ? (node.resolve(doc) ?? node) : node;
  if (isMap(resolved)) {
    const pair = resolved.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
    if (pair === undefined) return {};
    const key = isNode(pair.key) ? pair.key : undefined;
    const value = isNode(pair.value) && !(isScalar(pair.value) && pair.value.value === null) ? pair.value : undefined;
    return { value, key };
  }
  if (isSeq(resolved) && typeof segment === 'number') {
    const item = resolved.items[segment];
    return { value: isNode(item) ? item : undefined };
  }
  return {};
}

function nodeAt(doc: Document, start: Node, sub: readonly PropertyKey[], key?: string): Node {
  let node = start;
  for (const segment of sub) {
    const next = child(doc, node, segment);
    if (next.value === undefined) return next.key ?? node;
    node = next.value;
  }
  if (key === undefined) return node;
  return child(doc, node, key).key ?? node;
}
