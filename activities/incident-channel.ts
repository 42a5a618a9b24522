/**
 * Incident channel activities (Slack Web API through the one client in
 * integrations/slack/web-api.ts), on their own task queue so Slack's rate limits never
 * delay a page. Every activity is idempotent through the channel's document
 * (lib/models/incident-channel.ts): a retry, a replay or a continued run finds what was
 * done and does only the rest. Transient failures (429 with Retry-After, 5xx, ratelimited)
 * are retried by the profile INCIDENT_CHANNEL_PROFILE; refusals are not.
 */
import { createHash } from 'node:crypto';
import { notConfigured, type SendContext } from './notify/channel';
import type { Logger } from '../lib/logger';
import { loadConfigSnapshot } from '../lib/models/config';
import { IncidentChannelModel, type IncidentChannelDoc } from '../lib/models/incident-channel';
import { slackErrorOf, type SlackWebApi } from '../integrations/slack/web-api';
import { CHANNEL_NAME_MAX, announcementText } from '../domain/coordination/incident-channel';
import type { ChannelSyncResult, OpenChannelInput, SyncChannelInput } from '../domain/coordination/channel-activity';

export interface IncidentChannelDeps {
  /** Absent: no bot token, so no channels (the workflow logs it and carries on). */
  api?: SlackWebApi;
  log: Logger;
  /** Channel id announcements go to (VIGIL_SLACK_ANNOUNCEMENTS_CHANNEL); absent: none. */
  announcementsChannel?: string;
  /** The incident's page in Vigil, bookmarked in the channel; absent without a public URL. */
  incidentPage?: (incidentId: string) => string;
}

const NO_CTX: SendContext = {};
/** Channels listed when a name is taken, at most (200 per page). */
const LIST_PAGES = 10;

export function createIncidentChannelActivities(deps: IncidentChannelDeps) {
  const slack = (): SlackWebApi => {
    if (!deps.api) throw notConfigured('incident channel', 'VIGIL_SLACK_BOT_TOKEN is not set');
    return deps.api;
  };
  const save = (id: string, set: Partial<IncidentChannelDoc>) =>
    IncidentChannelModel.updateOne({ _id: id }, { $set: set });

  /** The id of an open channel called `name`, or undefined. */
  async function findByName(name: string): Promise<string | undefined> {
    let cursor = '';
    for (let page = 0; page < LIST_PAGES; page += 1) {
      const body = {
        exclude_archived: true,
        limit: 200,
        types: 'public_channel,private_channel',
        ...(cursor ? { cursor } : {}),
      };
      const { answer } = await slack().call('conversations.list', body, NO_CTX);
      const channels = (answer.channels ?? []) as Array<{ id: string; name: string }>;
      const found = channels.find((c) => c.name === name);
      if (found) return found.id;
      cursor = (answer.response_metadata as { next_cursor?: string } | undefined)?.next_cursor ?? '';
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /**
   * conversations.create; a taken name is the channel an earlier attempt created (numbers are
   * unique here) when it is listed, else someone else's: then the name gets the run's suffix.
   */
  async function createChannel(input: OpenChannelInput): Promise<{ id: string; name: string }> {
    const create = async (name: string) => {
      const { answer } = await slack().call('conversations.create', { name, is_private: false }, NO_CTX);
      return { id: (answer.channel as { id: string }).id, name };
    };
    try {
      return await create(input.name);
    } catch (err) {
      if (slackErrorOf(err) !== 'name_taken') throw err;
      const existing = await findByName(input.name);
      if (existing) return { id: existing, name: input.name };
      const suffix = createHash('sha256').update(input.incidentKey).digest('hex').slice(0, 6);
      return create(`${input.name.slice(0, CHANNEL_NAME_MAX - 7)}-${suffix}`);
    }
  }

  async function finishOpening(doc: IncidentChannelDoc, input: OpenChannelInput): Promise<void> {
    if (!doc.bookmarked) {
      const page = deps.incidentPage?.(input.incidentId);
      const links = [
        ...(input.bridge ? [input.bridge] : []),
        ...(page ? [{ title: 'Incident in Vigil', url: page }] : []),
      ];
      for (const l of links) {
        await slack().call(
          'bookmarks.add',
          { channel_id: doc.channelId, title: l.title, type: 'link', link: l.url },
          NO_CTX,
        );
      }
      await save(doc._id, { bookmarked: true });
    }
    if (!doc.announced && deps.announcementsChannel) {
      const text = announcementText(input.urgency, `${input.headline} in <#${doc.channelId}>`);
      const silent = input.urgency === 'silent';
      const body = silent
        ? { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }], unfurl_links: false }
        : { text, unfurl_links: false };
      await slack().call('chat.postMessage', { channel: deps.announcementsChannel, ...body }, NO_CTX, {
        idempotencyKey: `${doc._id}:announcement`,
      });
      await save(doc._id, { announced: true });
    }
  }

  return {
    /**
     * Creates (or finds again) the incident's channel, sets its topic, bookmarks the bridge
     * and the incident page, and announces it with the severity's urgency. Idempotent: each
     * step is recorded on the channel's document and skipped once done.
     */
    async openIncidentChannel(input: OpenChannelInput): Promise<{ channelId: string; name: string }> {
      let doc: IncidentChannelDoc | null = await IncidentChannelModel.findById(input.incidentKey).lean();
      if (!doc) {
        const created = await createChannel(input);
        doc = {
          _id: input.incidentKey,
          incidentId: input.incidentId,
          channelId: created.id,
          name: created.name,
          postedCount: 0,
          invited: [],
          topic: '',
          bookmarked: false,
          announced: false,
          createdAt: new Date(),
        };
        await IncidentChannelModel.create(doc);
        deps.log.info({ incidentId: input.incidentId, channelId: created.id }, 'incident channel created');
      }
      await finishOpening(doc, input);
      return { channelId: doc.channelId, name: doc.name };
    },

    /**
     * Brings the channel up to date: posts the timeline entries it has not shown yet (each
     * once, in order; entries older than those handed in are skipped), sets the topic when it changed, invites people not in it yet.
     */
    async syncIncidentChannel(input: SyncChannelInput): Promise<ChannelSyncResult> {
      const doc = await IncidentChannelModel.findById(input.incidentKey).lean();
      if (!doc) return { found: false, postedCount: 0 };
      await invite(doc, input.userIds);
      if (doc.topic !== input.topic) {
        await slack().call('conversations.setTopic', { channel: doc.channelId, topic: input.topic }, NO_CTX);
        await save(doc._id, { topic: input.topic });
      }
      let posted = doc.postedCount;
      for (const e of input.entries.filter((x) => x.index >= doc.postedCount).sort((a, b) => a.index - b.index)) {
        await slack().call('chat.postMessage', { channel: doc.channelId, text: e.text, unfurl_links: false }, NO_CTX, {
          idempotencyKey: `${doc._id}:entry:${e.index}`,
        });
        posted = e.index + 1;
        await save(doc._id, { postedCount: posted });
      }
      return { found: true, postedCount: posted };
    },

    /** conversations.archive, once; an already archived channel counts as done. */
    async archiveIncidentChannel(input: { incidentKey: string }): Promise<{ archived: boolean }> {
      const doc = await IncidentChannelModel.findById(input.incidentKey).lean();
      if (!doc) return { archived: false };
      if (doc.archivedAt) return { archived: true };
      try {
        await slack().call('conversations.archive', { channel: doc.channelId }, NO_CTX);
      } catch (err) {
        if (slackErrorOf(err) !== 'already_archived') throw err;
      }
      await save(doc._id, { archivedAt: new Date() });
      return { archived: true };
    },
  };

  /** Slack ids of the users' slack contact methods, not invited yet; users already there are fine. */
  async function invite(doc: IncidentChannelDoc, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const { users } = await loadConfigSnapshot();
    const slackIds = users
      .filter((u) => userIds.includes(u.id))
      .flatMap((u) => u.contactMethods.filter((m) => m.type === 'slack').map((m) => m.address))
      .filter((id, i, all) => !doc.invited.includes(id) && all.indexOf(id) === i);
    if (slackIds.length === 0) return;
    try {
      await slack().call('conversations.invite', { channel: doc.channelId, users: slackIds.join(',') }, NO_CTX);
    } catch (err) {
      const error = slackErrorOf(err);
      // Someone in it already, or the bot itself: the rest were invited; a user Slack does not know is logged.
      if (error !== 'already_in_channel' && error !== 'cant_invite_self' && error !== 'user_not_found') throw err;
      deps.log.warn({ channelId: doc.channelId, slackError: error }, 'incident channel invite partly refused');
    }
    await save(doc._id, { invited: [...doc.invited, ...slackIds] });
  }
}

export type IncidentChannelActivities = ReturnType<typeof createIncidentChannelActivities>;
