/**
 * Replays every recorded history in histories/ against today's workflow code: a change
 * that breaks determinism (a new or reordered activity, timer or child on a path an
 * incident in flight has already taken) fails here. The histories come from the scenarios
 * of escalation.test.ts, escalation-lifecycle.test.ts, review.test.ts and message-sync.test.ts; re-record them
 * with VIGIL_RECORD_HISTORIES=1 only for a change that is meant to break replay (and then
 * guard it with patched() for running incidents).
 *
 * Loaded with protobufjs' fromObject: historyFromJSON throws "type must be a Type" here
 * because npm installs several copies of protobufjs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle } from './env';
import { HISTORIES_DIR } from './fixtures';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** The scenarios the issue names; each must have a checked-in history. */
const REQUIRED = [
  'ack-stops-escalation',
  'ack-timeout-retriggers',
  'commands',
  'escalates-to-level-2',
  'loops-then-exhausts',
  'post-incident-review',
  'review-metrics',
  'sla-breach',
  'sla-replanned-by-repeat-alert',
  'snooze-retriggers',
  'slack-message-updated',
];

beforeAll(async () => {
  await workflowBundle();
});

describe('recorded histories', () => {
  it('holds one for every scenario', () => {
    expect(files.map((f) => f.replace(/\.json$/, ''))).toEqual(expect.arrayContaining(REQUIRED));
  });

  it.each(files)('replays %s', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')),
    );
    expect(history.events?.length).toBeGreaterThan(0);
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: file }, history),
    ).resolves.toBeUndefined();
  });
});
