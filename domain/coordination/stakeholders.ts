/**
 * A service's stakeholders: people and channels told about its incidents through the
 * communication templates (audience "stakeholders"), for the severities of its tier
 * unless the service lists its own.
 */
import { z } from 'zod';
import { strictObject } from '../common/fields';
import { SeveritySchema, type Severity } from '../incident/severity';
import { tierDefaults } from './tier';

export const StakeholdersSchema = strictObject({
  emails: z.array(z.email('must be an email address')).max(100).default([]),
  /** Slack conversation ids ("C0123ABC"), posted to with the bot token. */
  slackChannels: z
    .array(z.string().regex(/^[CG][A-Z0-9]{6,20}$/, 'must be a Slack channel id such as "C0123ABC"'))
    .max(50)
    .default([]),
  /** Severities they hear about; absent: the tier's default. */
  severities: z.array(SeveritySchema).min(1).optional(),
});
export type Stakeholders = z.infer<typeof StakeholdersSchema>;

/** Whether a service's stakeholders hear of an incident of this severity. */
export function stakeholdersHear(
  service: { tier?: number; stakeholders?: Pick<Stakeholders, 'severities'> },
  severity: Severity,
): boolean {
  const severities = service.stakeholders?.severities ?? tierDefaults(service.tier).stakeholderSeverities;
  return severities.includes(severity);
}
