/**
 * The incident workflow's patches, taken at once by a run that starts on this code.
 *
 * Each `patched(id)` a new run calls records a marker and, from the SDK's core, an upsert
 * of the TemporalChangeVersion search attribute: two history events and a visibility write
 * per patch, about twenty events in an incident's first workflow task. A run that starts
 * on code with `ALL_INCIDENT_PATCHES` records that one marker and takes every patch in
 * `INCIDENT_PATCHES` as applied; a run from before (no such marker in its history) asks
 * patch by patch, as it did. Each list is closed: later patches go in a new set, whose
 * marker stands for every list before it too (`ALL_INCIDENT_PATCHES_B`), so a new run
 * still records one marker. A run asks the newest set's marker first: while it replays,
 * a marker its history lacks answers no and records nothing, so older runs find theirs.
 */
export const ALL_INCIDENT_PATCHES = 'incident-patches-2026-12';

/** Every patch `ALL_INCIDENT_PATCHES` stands for. Closed: a later patch goes in a later set. */
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

/** The second set: `INCIDENT_PATCHES` and `LATER_INCIDENT_PATCHES`. */
export const ALL_INCIDENT_PATCHES_B = 'incident-patches-2026-12b';

/** The patches after the first set. Closed once a run has recorded `ALL_INCIDENT_PATCHES_B`. */
export const LATER_INCIDENT_PATCHES = ['first-write-with-number'] as const;

export type IncidentPatch = (typeof INCIDENT_PATCHES)[number] | (typeof LATER_INCIDENT_PATCHES)[number];

/** Which set a run took: the second, the first, or none (it asks patch by patch). */
export type PatchSet = 'b' | 'a' | 'none';

export const inFirstSet = (id: IncidentPatch): boolean => (INCIDENT_PATCHES as readonly string[]).includes(id);
