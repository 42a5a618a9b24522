/**
 * A service's stakeholders: people and channels told about its incidents through the
 * communication templates (audience "stakeholders"), for the severities of its tier
 * unless the service lists its own. Zod-free on purpose: workflow code imports it
 * (test/workflows/bundle.test.ts); StakeholdersSchema is in schemas.ts.
 */
import type { Severity } from '../incident/severity-levels';
import type { Stakeholders } from './schemas';
import { tierDefaults } from './tier';

export type { Stakeholders };

/** Whether a service's stakeholders hear of an incident of this severity. */
export function stakeholdersHear(
  service: { tier?: number; stakeholders?: Pick<Stakeholders, 'severities'> },
  severity: Severity,
): boolean {
  const severities = service.stakeholders?.severities ?? tierDefaults(service.tier).stakeholderSeverities;
  return severities.includes(severity);
}
