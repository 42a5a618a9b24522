import { z } from 'zod';
import { IdSchema, NameSchema, reportDuplicates, strictObject } from '../common/fields';
import { BridgeSchema } from '../coordination/schemas';
import { FollowUpTargetSchema } from '../coordination/follow-up';

export const TEAM_ROLES = ['member', 'manager'] as const;

export const TeamMemberSchema = strictObject({
  userId: IdSchema,
  role: z.enum(TEAM_ROLES).default('member'),
});
export type TeamMember = z.infer<typeof TeamMemberSchema>;

export const TeamSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  members: z.array(TeamMemberSchema).default([]),
  defaultEscalationPolicyId: IdSchema.optional(),
  /** The team's conference bridge, for services without their own. */
  bridge: BridgeSchema.optional(),
  /** Where review action items of the team's services are exported. */
  followUps: FollowUpTargetSchema.optional(),
}).superRefine((team, ctx) => {
  reportDuplicates(
    ctx,
    team.members,
    (m) => m.userId,
    (i) => ['members', i, 'userId'],
    'member',
  );
});
export type Team = z.infer<typeof TeamSchema>;
