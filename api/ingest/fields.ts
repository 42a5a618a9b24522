/** Small pieces every inbound format maps with: severities and bounded keys. Pure. */
import { createHash } from 'node:crypto';
import type { ResolvedMapping } from '../../domain/config/integration-mapping';
import { normalizeSeverity, SEVERITIES, type Severity } from '../../domain/incident/severity';

/** Dedup keys are at most 255 characters; a longer one is replaced by its hash. */
export function boundedKey(key: string): string {
  return key.length <= 255 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

export interface MappedSeverity {
  severity: Severity;
  /** The sender's value when it was missing from the mapping and the aliases (the default was used). */
  unmapped?: string;
}

/**
 * The integration's own spellings first, then the built-in aliases, else the default: an
 * alert whose severity we cannot read still pages (at the default), and says so in its
 * details, because refusing it would drop it (Alertmanager never retries a 4xx).
 */
export function mapSeverity(
  raw: unknown,
  mapping: Pick<ResolvedMapping, 'severityMap' | 'defaultSeverity'>,
): MappedSeverity {
  if (typeof raw !== 'string' && typeof raw !== 'number') return { severity: mapping.defaultSeverity };
  const text = String(raw).trim();
  const severity = mapping.severityMap[text.toLowerCase()] ?? normalizeSeverity(text);
  return severity ? { severity } : { severity: mapping.defaultSeverity, unmapped: text };
}

export function worstSeverity(severities: readonly Severity[]): Severity {
  return SEVERITIES.find((s) => severities.includes(s)) ?? 'SEV3';
}
