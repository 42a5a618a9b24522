/**
 * `npx tsx lib/config-as-code/cli.ts [dir]`: validate a config folder offline (for CI on
 * the repository that holds it). Exit 0 when valid, 1 with every error otherwise. Without
 * a database it cannot see API-managed entities, so a reference to one reads as unknown.
 * Readiness warnings (users nobody can reach, levels with gaps in the next 14 days) follow
 * the channel variables of this environment (VIGIL_SMTP_URL, VIGIL_TWILIO_*, ...).
 */
import { loadChannelConfig } from '../config';
import { channelAvailability } from '../channels';
import { formatIssue } from './types';
import { loadConfigFolder } from './validate';

async function main(dir: string): Promise<number> {
  // The channel variables of this environment decide which users can be reached (readiness).
  const result = await loadConfigFolder(dir, { channels: channelAvailability(loadChannelConfig()) });
  for (const w of result.warnings) process.stdout.write(`warning: ${formatIssue(w)}\n`);
  for (const e of result.errors) process.stdout.write(`error: ${formatIssue(e)}\n`);
  const counts = Object.entries(result.entities)
    .map(([kind, list]) => `${list.length} ${kind}`)
    .join(', ');
  process.stdout.write(
    result.ok ? `ok: ${result.files.length} files, ${counts}\n` : `refused: ${result.errors.length} errors\n`,
  );
  return result.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv[2] ?? 'config').then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(2);
    },
  );
}
