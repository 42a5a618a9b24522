/** What the Twilio routes need from the app (kept apart from the routes so api/http/services.ts imports no route). */
import type { TwilioDirectory } from './directory';

export interface TwilioServices {
  /** VIGIL_TWILIO_AUTH_TOKEN: the key of the signatures. */
  authToken: string;
  /** VIGIL_PUBLIC_URL: the URL Twilio called is this plus the path (never the Host header). */
  publicUrl: string;
  directory?: TwilioDirectory;
  now?: () => number;
}
