/** The descriptions of error answers many routes share (their body is the route format's error). */
export const E400 = 'Malformed JSON, or the fields at fault, each named';
export const E413 = 'Body over 512 KB';
export const E503 = 'Temporal is unavailable; retry';
export const E503_STORE = 'MongoDB is unavailable; retry';
export const UNKNOWN_INCIDENT = 'Unknown incident';
