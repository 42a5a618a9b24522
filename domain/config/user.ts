/**
 * Users, how to reach them, and in what order: notification rules escalate across a
 * person's own contact methods (Slack at once, SMS after 5 min, a call after 10) before
 * the policy escalates to someone else.
 */
import { z } from 'zod';
import { IdSchema, NameSchema, TimeZoneSchema, reportDuplicates, strictObject } from '../common/fields';

export const CONTACT_METHOD_TYPES = ['email', 'sms', 'voice', 'slack', 'webhook', 'teams'] as const;
export type ContactMethodType = (typeof CONTACT_METHOD_TYPES)[number];

const E164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number, e.g. "+15551234567"');

const contact = <T extends ContactMethodType, A extends z.ZodType<string>>(type: T, address: A) =>
  strictObject({ id: IdSchema, type: z.literal(type), address });

export const ContactMethodSchema = z.discriminatedUnion(
  'type',
  [
    contact('email', z.email('must be an email address')),
    contact('sms', E164),
    contact('voice', E164),
    // Slack member ids: U... for workspace users, W... for Enterprise Grid users.
    contact('slack', z.string().regex(/^[UW][A-Z0-9]{6,20}$/, 'must be a Slack user id such as "U0123ABC"')),
    contact('webhook', z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
    // Microsoft Teams incoming webhook URL.
    contact('teams', z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  ],
  { error: () => `type must be one of: ${CONTACT_METHOD_TYPES.join(', ')}` },
);
export type ContactMethod = z.infer<typeof ContactMethodSchema>;

export const NotificationRuleSchema = strictObject({
  contactMethodId: IdSchema,
  delayMinutes: z.int().min(0, 'must be 0 or more minutes'),
});
export type NotificationRule = z.infer<typeof NotificationRuleSchema>;

export const UserSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  email: z.email('must be an email address'),
  timezone: TimeZoneSchema,
  contactMethods: z.array(ContactMethodSchema).default([]),
  notificationRules: z.array(NotificationRuleSchema).default([]),
}).superRefine((user, ctx) => {
  reportDuplicates(
    ctx,
    user.contactMethods,
    (m) => m.id,
    (i) => ['contactMethods', i, 'id'],
    'contact method id',
  );
  const known = new Set(user.contactMethods.map((m) => m.id));
  user.notificationRules.forEach((rule, i) => {
    if (known.has(rule.contactMethodId)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['notificationRules', i, 'contactMethodId'],
      message: `unknown contact method "${rule.contactMethodId}"; this user has: ${[...known].join(', ') || 'none'}`,
    });
  });
});
export type User = z.infer<typeof UserSchema>;
