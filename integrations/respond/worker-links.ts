/**
 * The `links` function the notify activities add to every notification: the recipient's
 * signed respond link (integrations/respond/link.ts), computed in the activity so the signing
 * secret never enters a workflow history. Needs VIGIL_PUBLIC_URL and
 * VIGIL_LINK_SIGNING_SECRET; without both, notifications carry no link (and this says so).
 */
import type { NotifyDeps } from '../../activities/notify';
import type { Config } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import { createRespondLinks } from './link';

export function buildRespondLinks(deps: {
  log: Logger;
  config: Partial<Pick<Config, 'VIGIL_PUBLIC_URL' | 'VIGIL_LINK_SIGNING_SECRET'>>;
}): NotifyDeps['links'] {
  const { VIGIL_PUBLIC_URL: publicUrl, VIGIL_LINK_SIGNING_SECRET: secret } = deps.config;
  if (!publicUrl || !secret) {
    deps.log.warn(
      'VIGIL_PUBLIC_URL and VIGIL_LINK_SIGNING_SECRET are not both set: notifications carry no acknowledge/resolve link',
    );
    return undefined;
  }
  return createRespondLinks({ publicUrl, secret }).linksFor;
}
