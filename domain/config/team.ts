import { z } from 'zod';
import { IdSchema, NameSchema, reportDuplicates, strictObject } from '../common/fields';

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
