/**
 * Schemathesis over the document the API serves: requests generated from every operation's
 * schemas (valid and invalid ones), once per role's token, against the real app on its own
 * database and task queue. Fails with Schemathesis's report when an answer is a 5xx, has a
 * status the operation does not document, or a body that breaks its documented schema.
 * Bounded: a few examples per operation, a fixed seed (VIGIL_FUZZ_SEED picks another) and a
 * hard timeout; it talks to loopback only. VIGIL_TEST_VERBOSE=1 prints every report;
 * VIGIL_FUZZ_PATHS (a regular expression) fuzzes only the paths it matches.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, tokens, type System } from './harness';

const CHECKS = ['not_a_server_error', 'status_code_conformance', 'response_schema_conformance'];
/** Hangs only: a run takes 1-2 minutes, several times that on a loaded 2-core machine. */
const HARD_TIMEOUT_MS = 480_000;

let sys: System;
beforeAll(async () => {
  sys = await startSystem('fuzz', {
    // Every optional route mounted, so every one is fuzzed (Slack's then answer 401: unsigned).
    VIGIL_SLACK_SIGNING_SECRET: 'fuzz-slack-signing-secret',
    VIGIL_LINK_SIGNING_SECRET: 'fuzz-link-signing-secret-0123456789abcdef',
  });
});
afterAll(async () => {
  await sys?.stop();
});

function schemathesis(): string {
  const bin = process.env.SCHEMATHESIS_PATH;
  if (!bin) throw new Error('SCHEMATHESIS_PATH is not set: run the suite with `npm test`, which provisions it');
  return bin;
}

/** Runs `schemathesis run`; resolves with its exit code and output (the report). */
function fuzz(token: string, examples: number): Promise<{ code: number | null; output: string }> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'vigil-fuzz-'));
  const args = [
    'run',
    `${sys.apiUrl}/api/v1/openapi.json`,
    '--url',
    sys.apiUrl,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    CHECKS.join(','),
    '--phases',
    process.env.VIGIL_FUZZ_PHASES ?? 'examples,fuzzing',
    '--max-examples',
    String(examples),
    '--seed',
    process.env.VIGIL_FUZZ_SEED ?? '20261201',
    '--workers',
    '2',
    '--request-timeout',
    '20',
    '--max-failures',
    '20',
    '--no-color',
    // Hypothesis's "data generation is too slow" is a timing judgement: on a loaded 2-core
    // machine it fires for the simplest operations. Timing belongs in benchmarks.
    '--suppress-health-check',
    'too_slow',
    // While working on some routes: VIGIL_FUZZ_PATHS='^/api/v1/reports' fuzzes only those.
    ...(process.env.VIGIL_FUZZ_PATHS ? ['--include-path-regex', process.env.VIGIL_FUZZ_PATHS] : []),
  ];
  return new Promise((resolve) => {
    // Its own folder: Schemathesis and Hypothesis keep their example databases in the working directory.
    const proc = spawn(schemathesis(), args, {
      cwd: work,
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), HARD_TIMEOUT_MS);
    proc.on('close', (code) => {
      clearTimeout(timer);
      rmSync(work, { recursive: true, force: true });
      resolve({ code, output: output.length > 20_000 ? `...${output.slice(-20_000)}` : output });
    });
  });
}

/**
 * An admin may call every route, so its run tries more examples; the other roles' runs
 * check what their tokens reach. (The coverage phase, boundary values for every field, takes
 * minutes per role here: `VIGIL_FUZZ_PHASES=examples,coverage,fuzzing` runs it.)
 */
const EXAMPLES = { ingest: 6, responder: 6, admin: 12 } as const;

describe('fuzzing the served OpenAPI document', () => {
  it.each(['ingest', 'responder', 'admin'] as const)(
    'with the %s token: no server error, every answer as documented',
    async (role) => {
      const { code, output } = await fuzz(tokens[role], EXAMPLES[role]);
      if (process.env.VIGIL_TEST_VERBOSE) process.stderr.write(output);
      expect(output).toMatch(/operations?/i); // it ran against the document
      if (code === null) throw new Error(`Schemathesis did not finish within ${HARD_TIMEOUT_MS / 1000} s:\n${output}`);
      expect(code, output).toBe(0);
    },
    HARD_TIMEOUT_MS + 30_000,
  );
});
