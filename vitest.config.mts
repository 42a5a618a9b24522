import { defineConfig } from 'vitest/config';

// Four projects: `unit` (pure logic, no servers), `workflows` (Temporal's time-skipping
// test server, activities mocked), `e2e` (real Temporal dev server, real FerretDB, the
// real worker and API as child processes) and `faults` (a stack per case, parts of it killed
// on purpose). scripts/test.sh runs all four, one after another.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts'],
          environment: 'node',
          // A stalled time-skipping server is a defect, not bad luck: see Incident.quiet in
          // test/workflows/fixtures.ts and read-model-projector.ts for the two ways the Java test
          // server stops a run (a cancelled activity or timer that has just completed). No retry:
          // a stalled test leaves a client retrying after teardown, which fails the run anyway.
          testTimeout: 60_000,
          hookTimeout: 180_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          // Each case starts a stack of its own (test/faults/fault-stack.ts) and breaks a part of it.
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 240_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
