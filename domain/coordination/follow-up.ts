/**
 * Follow-ups: where a team's review action items are exported (team.followUps), the
 * external reference an exported item keeps, and the request bodies each tracker documents
 * (Jira Cloud REST v3 with an Atlassian Document Format description, Linear's GraphQL
 * issueCreate, GitHub's issue create, a signed webhook). Pure: the activities send them.
 */
import { z } from 'zod';
import { strictObject } from '../common/fields';

export const TRACKERS = ['jira', 'linear', 'github', 'webhook'] as const;
export type Tracker = (typeof TRACKERS)[number];

export const FollowUpTargetSchema = z.discriminatedUnion(
  'tracker',
  [
    strictObject({
      tracker: z.literal('jira'),
      projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,29}$/, 'must be a Jira project key, e.g. "OPS"'),
      issueType: z.string().trim().min(1).max(60).default('Task'),
    }),
    strictObject({ tracker: z.literal('linear'), teamId: z.string().trim().min(1).max(100) }),
    strictObject({
      tracker: z.literal('github'),
      repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be "owner/name"'),
      labels: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
    }),
    strictObject({
      tracker: z.literal('webhook'),
      url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    }),
  ],
  { error: () => `tracker must be one of: ${TRACKERS.join(', ')}` },
);
export type FollowUpTarget = z.infer<typeof FollowUpTargetSchema>;

/** What an exported item keeps: the tracker's key (OPS-12, ENG-7, #31) and where to open it. */
export const ExternalRefSchema = strictObject({
  tracker: z.enum(TRACKERS),
  key: z.string().min(1).max(200),
  url: z.string().max(2000).optional(),
  exportedAt: z.string().optional(),
});
export type ExternalRef = z.infer<typeof ExternalRefSchema>;

export interface FollowUpItem {
  id: string;
  title: string;
  owner: string;
  dueDate: string;
  priority?: string;
  /** "#42 checkout: Error rate above 5%": where the item came from. */
  incident: string;
  /** The review (or incident page) in Vigil, when a public URL is configured. */
  link?: string;
}

function descriptionLines(item: FollowUpItem): string[] {
  return [
    `Action item ${item.id} from the post-incident review of ${item.incident}.`,
    `Owner: ${item.owner}. Due: ${item.dueDate}.${item.priority ? ` Priority: ${item.priority}.` : ''}`,
    ...(item.link ? [`Review: ${item.link}`] : []),
  ];
}

/** Jira Cloud `POST /rest/api/3/issue`: fields with an ADF document as description. */
export function jiraIssueBody(target: Extract<FollowUpTarget, { tracker: 'jira' }>, item: FollowUpItem) {
  return {
    fields: {
      project: { key: target.projectKey },
      summary: item.title,
      issuetype: { name: target.issueType },
      description: {
        type: 'doc',
        version: 1,
        content: descriptionLines(item).map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
      },
    },
  };
}

export const LINEAR_ISSUE_CREATE =
  'mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier url } } }';

/** Linear `POST /graphql`: the issueCreate mutation with its input as variables. */
export function linearIssueCreate(target: Extract<FollowUpTarget, { tracker: 'linear' }>, item: FollowUpItem) {
  return {
    query: LINEAR_ISSUE_CREATE,
    variables: {
      input: { teamId: target.teamId, title: item.title, description: descriptionLines(item).join('\n\n') },
    },
  };
}

/** GitHub `POST /repos/{owner}/{repo}/issues`. */
export function githubIssueBody(target: Extract<FollowUpTarget, { tracker: 'github' }>, item: FollowUpItem) {
  return { title: item.title, body: descriptionLines(item).join('\n\n'), labels: target.labels };
}

/** The signed webhook's body: the item as it stands. */
export function webhookFollowUpBody(item: FollowUpItem, idempotencyKey: string) {
  return { type: 'vigil.action_item', idempotencyKey, actionItem: item };
}
