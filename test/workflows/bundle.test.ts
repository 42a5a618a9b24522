/**
 * Guards what the workflow bundle contains. With reuseV8Context the SDK evaluates every module
 * of the bundle again for each workflow instance (each new incident, and each one replayed
 * after cache eviction): only the SDK's own modules are shared. Zod and the domain's schemas
 * built at module load cost about 40 ms of CPU and 1.7 MB of heap per instance, which made an
 * incident storm fall behind and the worker's memory grow. Preloading zod is no way out (the
 * SDK deep-freezes preloaded modules and zod breaks on that, see worker/bundler-options.ts), so
 * workflow code imports only the zod-free halves of the domain (severity-levels.ts,
 * common/instant.ts, build-review.ts, ...) and the schemas stay in modules the API imports.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle } from './env';

let modules: string[] = [];

beforeAll(async () => {
  const { code } = await workflowBundle();
  // webpack names each module by its path: /***/ "./node_modules/zod/v4/classic/schemas.js"
  modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"$/gm)].map((m) => m[1] as string);
  console.info(`workflow bundle: ${modules.length} modules`);
});

describe('workflow bundle', () => {
  it('lists its modules by path (so the checks below can fail)', () => {
    expect(modules).toContain('./workflows/index.ts');
    expect(modules).toContain('./domain/incident/severity-levels.ts');
  });

  it('holds no zod: every workflow instance would evaluate it and the schemas built on it', () => {
    expect(modules.filter((id) => id.includes('/node_modules/zod/'))).toEqual([]);
  });
});
