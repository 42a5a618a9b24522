/**
 * Time-skipping environment for workflow tests: Temporal's Java test server, provisioned
 * by scripts/provision.sh --test and started here, one per test, on a free port.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
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
    Runtime.install({ logger: new DefaultLogger(process.env.VIGIL_TEST_CORE_LOG === 'WARN' ? 'WARN' : 'ERROR') });
  } catch {
    // already installed in this process
  }
  const env = await startTestServer(server);
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

/** How long the JVM may take to listen: seconds when the machine is idle, far more when it is loaded. */
const SERVER_START_TIMEOUT_MS = 90_000;

/**
 * Starts the Java test server on a free port and connects a time-skipping environment to it.
 * The SDK's own start (createTimeSkipping) gives the JVM 5 s to listen, which a loaded 2-core
 * machine misses again and again; this waits as long as SERVER_START_TIMEOUT_MS and stops the
 * server with the environment's teardown.
 */
async function startTestServer(executable: string): Promise<TestWorkflowEnvironment> {
  const port = await freePort();
  const child = spawn(executable, [String(port)], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  try {
    await waitForListen(port, child);
    // createFromExistingServer would turn time skipping off; the general factory keeps it on.
    const create = (TestWorkflowEnvironment as unknown as { create(o: object): Promise<TestWorkflowEnvironment> })
      .create;
    const env = await create.call(TestWorkflowEnvironment, {
      server: { type: 'existing' },
      address: `127.0.0.1:${port}`,
      namespace: 'default',
      supportsTimeSkipping: true,
    });
    const teardown = env.teardown.bind(env);
    env.teardown = async () => {
      await teardown();
      child.kill('SIGKILL');
      await exited;
    };
    return env;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitForListen(port: number, child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the test server exited with code ${child.exitCode} before listening`);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
      socket.setTimeout(1_000, () => socket.destroy());
    }).catch(() => false);
    if (connected) return;
    if (Date.now() > deadline)
      throw new Error(`the test server did not listen on ${port} within ${SERVER_START_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
