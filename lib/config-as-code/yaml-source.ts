/**
 * Reading a config folder: every *.yaml / *.yml file below it (recursively, in path order),
 * each holding one or more YAML documents whose top-level keys are kinds ("users:",
 * "services:", ...) with a list of entities. This module only finds the entities and their
 * positions; validation is ./validate.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { ConfigKind } from '../models/config';
import { createLocator, issueAt, type Locator } from './locate';
import { FILE_KEYS, type ConfigIssue, type FileKey } from './types';

export interface RawEntity {
  kind: ConfigKind;
  /** The entity as plain JS, not yet validated. */
  value: unknown;
  where: Locator;
}

export interface RawFolder {
  files: string[];
  entities: RawEntity[];
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /**
   * Ids named in documents that have YAML syntax errors. They are not loaded, but a
   * reference to them is not reported as unknown: the syntax error is the one to fix.
   */
  brokenIds: Array<{ kind: ConfigKind; id: string }>;
}

const ALLOWED_KEYS = Object.keys(FILE_KEYS).join(', ');

/**
 * YAML files below `dir`, sorted. Dot-entries are skipped and symlinks followed: a
 * Kubernetes ConfigMap mount is exactly that shape (files linking into a hidden "..data").
 */
export async function listYamlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith('.')) continue;
    const full = path.join(dir, name);
    const info = await stat(full);
    if (info.isDirectory()) found.push(...(await listYamlFiles(full)));
    else if (info.isFile() && /\.ya?ml$/i.test(name)) found.push(full);
  }
  return found;
}

export async function readConfigFolder(dir: string): Promise<RawFolder> {
  const folder: RawFolder = { files: [], entities: [], errors: [], warnings: [], brokenIds: [] };
  try {
    folder.files = await listYamlFiles(dir);
  } catch (err) {
    folder.errors.push({ file: dir, path: '', message: `cannot read the config folder: ${(err as Error).message}` });
    return folder;
  }
  // An empty folder would delete every config-managed entity: far likelier a wrong mount.
  if (folder.files.length === 0) {
    folder.errors.push({
      file: dir,
      path: '',
      message: 'no *.yaml or *.yml files in the config folder; refusing to delete everything it manages',
    });
  }
  for (const file of folder.files) {
    try {
      parseFile(file, await readFile(file, 'utf8'), folder);
    } catch (err) {
      folder.errors.push({ file, path: '', message: `cannot read: ${(err as Error).message}` });
    }
  }
  return folder;
}

/** Adds the entities and problems of one file's text to `folder`. */
export function parseFile(file: string, text: string, folder: RawFolder): void {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, merge: true });
  if ('empty' in docs) return;
  for (const doc of docs) {
    for (const w of doc.warnings) folder.warnings.push(issueAt(file, lines, w.pos[0], '', `YAML: ${w.message}`));
    const syntax = doc.errors[0];
    if (syntax !== undefined) {
      // Only the first: the parser's later errors in a document are mostly echoes of it.
      folder.errors.push(issueAt(file, lines, syntax.pos[0], '', `invalid YAML: ${syntax.message}`));
      folder.brokenIds.push(...salvageIds(doc));
      continue;
    }
    readDocument(file, doc, lines, folder);
  }
}

function readDocument(file: string, doc: Document, lines: LineCounter, folder: RawFolder): void {
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return;
  if (!isMap(root)) {
    folder.errors.push(
      issueAt(file, lines, root.range?.[0] ?? 0, '', `expected a mapping with the keys ${ALLOWED_KEYS}`),
    );
    return;
  }
  let js: Record<string, unknown[] | null>;
  try {
    js = doc.toJS() as Record<string, unknown[] | null>;
  } catch (err) {
    folder.errors.push(issueAt(file, lines, root.range?.[0] ?? 0, '', `invalid YAML: ${(err as Error).message}`));
    return;
  }
  for (const pair of root.items) {
    const keyNode = isScalar(pair.key) ? pair.key : undefined;
    const key = String(keyNode?.value);
    const at = keyNode?.range?.[0] ?? 0;
    // "x-" keys hold YAML anchors for "<<:" merges, as in docker-compose.
    if (key.startsWith('x-')) continue;
    if (!Object.hasOwn(FILE_KEYS, key)) {
      folder.errors.push(
        issueAt(file, lines, at, key, `unknown kind "${key}"; allowed: ${ALLOWED_KEYS} (and x-... for anchors)`),
      );
      continue;
    }
    const list = pair.value;
    if (list === null || (isScalar(list) && list.value === null)) continue;
    if (!isSeq(list)) {
      folder.errors.push(issueAt(file, lines, at, key, 'must be a list of entities ("- id: ...")'));
      continue;
    }
    const kind = FILE_KEYS[key as FileKey];
    list.items.forEach((item, i) => {
      const where = createLocator(file, doc, lines, isNode(item) ? item : list, `${key}[${i}]`);
      folder.entities.push({ kind, value: js[key]?.[i], where });
    });
  }
}

/** Best-effort ids from a document the YAML parser could only partly read. */
function salvageIds(doc: Document): Array<{ kind: ConfigKind; id: string }> {
  let js: unknown;
  try {
    js = doc.toJS();
  } catch {
    return [];
  }
  if (js === null || typeof js !== 'object') return [];
  const out: Array<{ kind: ConfigKind; id: string }> = [];
  for (const [key, list] of Object.entries(js as Record<string, unknown>)) {
    if (!Object.hasOwn(FILE_KEYS, key) || !Array.isArray(list)) continue;
    for (const item of list) {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id === 'string') out.push({ kind: FILE_KEYS[key as FileKey], id });
    }
  }
  return out;
}
