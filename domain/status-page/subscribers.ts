/**
 * Status-page subscribers: who hears about a page's incidents, and about which updates.
 * Subscribers hear of an incident's creation, of each human-written update, and of its
 * resolution; never of an update the workflow wrote for an unchanged status (a severity
 * change shown on the components), never of a held-back incident. One recipient gets
 * one message per update: the delivery key is the subscriber and the update.
 */
import { z } from 'zod';
import { IdSchema, strictObject } from '../common/fields';
import { WORKFLOW_AUTHOR } from './publish';
import type { PageIncidentRecord, PageUpdateRecord } from './records';

export const SUBSCRIBER_TYPES = ['email', 'webhook'] as const;
export type SubscriberType = (typeof SUBSCRIBER_TYPES)[number];
export const SUBSCRIBER_STATES = ['pending', 'confirmed', 'unsubscribed'] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];

export interface SubscriberRecord {
  id: string;
  pageId: string;
  type: SubscriberType;
  /** An email address, or the webhook's URL (never shown back whole: it may carry a token). */
  address: string;
  /** Only incidents affecting one of these components; absent: every incident of the page. */
  components?: string[];
  state: SubscriberState;
  createdAt: string;
  confirmedAt?: string;
  /** The last confirmation email and how many were sent: a pending address is re-sent at most every few minutes. */
  confirmationSentAt?: string;
  confirmationsSent: number;
}

const componentsField = z
  .array(IdSchema)
  .min(1, 'must list at least one component, or be left out for all')
  .max(50)
  .optional();

/** The public subscribe form / JSON body. */
export const SubscribeSchema = strictObject({
  email: z.email('must be an email address').max(254, 'must be at most 254 characters'),
  components: componentsField,
});

/** An admin's webhook subscriber. */
export const WebhookSubscriberSchema = strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .refine((u) => !/^https?:\/\/[^/]*@/.test(u), 'must not carry credentials before the host'),
  components: componentsField,
});

/** Unknown components of the page named by path, for a 400 naming the field. */
export function unknownComponents(
  page: { components: ReadonlyArray<{ id: string }> },
  wanted: readonly string[] | undefined,
): Array<{ path: string; message: string }> {
  const known = new Set(page.components.map((c) => c.id));
  return (wanted ?? [])
    .map((id, i) => ({ id, i }))
    .filter(({ id }) => !known.has(id))
    .map(({ id, i }) => ({ path: `components.${i}`, message: `unknown component "${id}" on this page` }));
}

export type Announcement = 'created' | 'updated' | 'resolved';

/** Whether subscribers hear of this update, and as what; undefined: they do not. */
export function announcementOf(incident: PageIncidentRecord, update: PageUpdateRecord): Announcement | undefined {
  if (incident.held) return undefined;
  if (incident.updates[0]?.id === update.id) return 'created';
  if (update.status === 'resolved') return 'resolved';
  return update.by === WORKFLOW_AUTHOR ? undefined : 'updated';
}

/** A confirmed subscriber of the page whose components (if it chose some) the incident affects. */
export function subscriberWants(
  s: Pick<SubscriberRecord, 'state' | 'pageId' | 'components'>,
  incident: Pick<PageIncidentRecord, 'pageId' | 'components'>,
): boolean {
  if (s.state !== 'confirmed' || s.pageId !== incident.pageId) return false;
  if (!s.components) return true;
  return s.components.some((c) => Object.hasOwn(incident.components, c));
}

/** One message per subscriber and update: retries and replays find it sent. */
export const deliveryKey = (subscriberId: string, updateId: string) => `status-page:${subscriberId}:${updateId}`;

/** The fan-out's workflow id: one per page update (a start while it runs joins it). */
export const announceWorkflowId = (pageId: string, updateId: string) =>
  `status-page-announce-${pageId}-${updateId}`.slice(0, 900);

/** A confirmation's workflow id: one per confirmation email of a subscriber. */
export const confirmWorkflowId = (subscriberId: string, nth: number) => `status-page-confirm-${subscriberId}-${nth}`;

/** What a page update's fan-out workflow is started with. */
export interface AnnounceInput {
  pageId: string;
  pageIncidentId: string;
  updateId: string;
  /** Subscribers after this id (continue-as-new over a long list). */
  after?: string;
}

/** One delivery: a subscriber of a page update. */
export interface DeliveryInput {
  pageId: string;
  pageIncidentId: string;
  updateId: string;
  subscriberId: string;
}
