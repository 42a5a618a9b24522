/**
 * Time-skipping environment for workflow tests: Temporal's Java test server, provisioned
 * by scripts/provision.sh --test and started by the SDK from an existing path.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import path from 'node:path';
import { WORKFLOW_BUNDLER_OPTIONS } from '../../worker/bundler-options';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { INDEXED_VALUE_TYPE } from '../../lib/temporal';
import { SEARCH_ATTRIBUTES } from '../../workflows/contract';

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const server = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!server)
    throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the suite with `npm test`, which provisions it');
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
  // The SDK gives the JVM 5 s to listen; on a loaded 2-core machine it can miss that once.
  let env: TestWorkflowEnvironment | undefined;
  for (let attempt = 1; !env; attempt++) {
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: server } },
      });
    } catch (err) {
      if (attempt >= 3 || !/did not start within/.test(String(err))) throw err;
    }
  }
  // The Java test server implements AddSearchAttributes but not ListSearchAttributes.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((sa) => [sa.name, INDEXED_VALUE_TYPE[sa.type]])),
  });
  return env;
}

export const workflowsPath = path.resolve(__dirname, '../../workflows/index.ts');

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/**
 * The workflow code, bundled once per test file (each Worker.create with workflowsPath
 * would bundle again). Every file awaits it in a beforeAll hook: webpack takes seconds,
 * tens of seconds on a loaded machine, and that belongs under the hook timeout, not in
 * the first test's 60 s.
 */
export const workflowBundle = () => (bundle ??= bundleWorkflowCode({ workflowsPath, ...WORKFLOW_BUNDLER_OPTIONS }));
