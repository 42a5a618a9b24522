/**
 * The baseline worker (a child process, as Vigil's worker is): the bare workflows and their
 * one activity on task queue `bench-bare`, with the SDK's default options.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createBareActivities } from './activities';

export const BARE_TASK_QUEUE = 'bench-bare';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await Worker.create({
    connection,
    taskQueue: BARE_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities: createBareActivities(process.env.VIGIL_WEBHOOK_SIGNING_SECRET ?? ''),
  });
  process.stdout.write('bare worker started\n');
  await worker.run();
  await connection.close();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bare worker failed: ${String(err)}\n`);
    process.exit(1);
  });
}
