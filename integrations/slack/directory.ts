/**
 * What the Slack routes look up: the Vigil user behind a Slack user id (a `slack`
 * contact method whose address is that id), incidents by number, services and who is on
 * call. The default reads MongoDB; tests may pass their own.
 */
import { loadConfigSnapshot } from '../../lib/models/config';
import { IncidentNumberModel } from '../../lib/models/incident-number';
import { incidentIdByChannel } from '../../lib/models/incident-channel';
import { inMaintenance, servicePolicyId } from '../../domain/config';
import { resolveLevel } from '../../domain/oncall';

export interface SlackDirectory {
  userBySlackId(slackUserId: string): Promise<{ id: string; name: string } | undefined>;
  /** The incident id (workflow id) carrying this number. */
  incidentIdByNumber(n: number): Promise<string | undefined>;
  serviceExists(serviceId: string): Promise<boolean>;
  /** The incident whose channel this is (incident channels); optional for directories without channels. */
  incidentIdByChannel?(channelId: string): Promise<string | undefined>;
  /** Who is on call for a service, level by level; undefined for an unknown service. */
  onCall(
    serviceId: string,
    at: string,
  ): Promise<{ inMaintenance: boolean; levels: Array<{ level: number; names: string[] }> } | undefined>;
}

export const mongoSlackDirectory: SlackDirectory = {
  async userBySlackId(slackUserId) {
    const { users } = await loadConfigSnapshot();
    const user = users.find((u) => u.contactMethods.some((m) => m.type === 'slack' && m.address === slackUserId));
    return user ? { id: user.id, name: user.name } : undefined;
  },
  async incidentIdByNumber(n) {
    const doc = await IncidentNumberModel.findById(n).lean();
    // incidentKey is "<incident id>:<run key>"; incident ids hold no ":".
    return doc ? doc.incidentKey.split(':')[0] : undefined;
  },
  incidentIdByChannel,
  async serviceExists(serviceId) {
    const { services } = await loadConfigSnapshot();
    return services.some((s) => s.id === serviceId);
  },
  async onCall(serviceId, at) {
    const snap = await loadConfigSnapshot();
    const service = snap.services.find((s) => s.id === serviceId);
    const policyId = service && servicePolicyId(service, snap.teams);
    const policy = snap.escalationPolicies.find((p) => p.id === policyId);
    if (!service || !policy) return undefined;
    const name = (id: string) => snap.users.find((u) => u.id === id)?.name ?? id;
    return {
      inMaintenance: inMaintenance(service, at),
      levels: policy.levels.map((_, i) => ({
        level: i + 1,
        names: resolveLevel(policy, i, snap, at).userIds.map(name),
      })),
    };
  },
};
