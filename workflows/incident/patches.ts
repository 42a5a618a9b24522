/**
 * The incident workflow's patches, taken at once by a run that starts on this code.
 *
 * Each `patched(id)` a new run calls records a marker and, from the SDK's core, an upsert
 * of the TemporalChangeVersion search attribute: two history events and a visibility write
 * per patch, about twenty events in an incident's first workflow task. A run that starts
 * on code with `ALL_INCIDENT_PATCHES` records that one marker and takes every patch in
 * `INCIDENT_PATCHES` as applied; a run from before (no such marker in its history) asks
 * patch by patch, as it did. The list is closed: a later patch is asked by its own id.
 */
export const ALL_INCIDENT_PATCHES = 'incident-patches-2026-12';

/** Every patch `ALL_INCIDENT_PATCHES` stands for. Closed: a later patch is asked alone. */
export const INCIDENT_PATCHES = [
  'first-page-first',
  'local-lookups',
  'incident-coordination',
  'runbook-automation',
  'message-sync',
  'status-page',
  'incident-channel',
  'stakeholder-comms',
  'read-model-debounce',
  'read-model-debounce-timer-kept',
  'reminders-every-severity',
  'update-reminder-comms-lead',
  'runbook-approval-notify',
  'maintenance-windows',
] as const;

export type IncidentPatch = (typeof INCIDENT_PATCHES)[number];
