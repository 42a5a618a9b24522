/** Workflow time: the SDK fixes the clock to the current workflow task, so replay reads the same. */
export const nowIso = (): string => new Date().toISOString();
export const nowMs = (): number => Date.now();
