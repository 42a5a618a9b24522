/**
 * Starts the real servers once for all e2e files: the Temporal dev server (headless) and
 * FerretDB on SQLite, on free loopback ports in a temporary folder, and stops them after.
 * TEMPORAL_ADDRESS / MONGODB_URI, when set, point the tests at existing servers instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { freePort, startFerret, startTemporal, stopProcess, type Managed } from '../../scripts/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    servers: { temporalAddress: string; mongoUri: string; tmpDir: string };
  }
}

const quiet = (name: string, chunk: Buffer) => {
  if (process.env.VIGIL_TEST_VERBOSE) process.stderr.write(`[${name}] ${chunk.toString()}`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
  const started: Managed[] = [];
  const need = (name: string) => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set: run the suite with \`npm test\`, which provisions it`);
    return v;
  };

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const port = await freePort();
    started.push(
      await startTemporal({
        bin: need('TEMPORAL_CLI_PATH'),
        port,
        dbFile: path.join(tmpDir, 'temporal.db'),
        output: quiet,
      }),
    );
    temporalAddress = `127.0.0.1:${port}`;
  }
  let mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) {
    const port = await freePort();
    started.push(
      await startFerret({ bin: need('FERRETDB_PATH'), port, dataDir: path.join(tmpDir, 'ferretdb'), output: quiet }),
    );
    mongoUri = `mongodb://127.0.0.1:${port}`;
  }
  project.provide('servers', { temporalAddress, mongoUri, tmpDir });

  return async () => {
    for (const m of started.reverse()) await stopProcess(m);
    rmSync(tmpDir, { recursive: true, force: true });
  };
}
