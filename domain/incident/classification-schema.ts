/** The resolve command's classification as the API and the stored state validate it. */
import { z } from 'zod';
import { RESOLUTION_CLASSIFICATIONS } from './classification';

export const ResolutionClassificationSchema = z.enum(RESOLUTION_CLASSIFICATIONS, {
  error: () => `must be one of: ${RESOLUTION_CLASSIFICATIONS.join(', ')}`,
});
