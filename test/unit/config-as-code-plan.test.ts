import { describe, expect, it } from 'vitest';
import { planReconcile, type CurrentDocs, type FolderEntities } from '../../lib/config-as-code';
import { specHash } from '../../lib/models/config';
import { ServiceSchema, UserSchema } from '../../domain/config';

const user = (id: string, name = id) => UserSchema.parse({ id, name, email: `${id}@example.com`, timezone: 'UTC' });
const service = (id: string, tier = 1) =>
  ServiceSchema.parse({ id, name: id, tier, teamId: 't', escalationPolicyId: 'p' });

const folder = (users: string[], services: Array<[string, number]> = []): FolderEntities => ({
  user: users.map((id) => user(id)),
  team: [],
  schedule: [],
  escalationPolicy: [],
  service: services.map(([id, tier]) => service(id, tier)),
  statusPage: [],
  role: [],
  commsTemplate: [],
  incidentType: [],
});

type Doc = [id: string, managedBy: 'config' | 'api', spec: unknown];
const db = (users: Doc[], services: Doc[] = []): CurrentDocs => {
  const docs = (list: Doc[]) => list.map(([_id, managedBy, spec]) => ({ _id, managedBy, specHash: specHash(spec) }));
  return {
    ...{ user: docs(users), team: [], schedule: [], escalationPolicy: [], service: docs(services) },
    ...{ statusPage: [], role: [], commsTemplate: [], incidentType: [] },
  };
};

describe('planReconcile', () => {
  it.each([
    ['empty database: everything is created', folder(['a', 'b']), db([]), {}, { create: ['a', 'b'] }],
    ['same spec: unchanged', folder(['a']), db([['a', 'config', user('a')]]), {}, { unchanged: ['a'] }],
    ['changed spec: updated', folder(['a']), db([['a', 'config', user('a', 'Old name')]]), {}, { update: ['a'] }],
    [
      'config-managed and gone from the folder: deleted',
      folder([]),
      db([
        ['b', 'config', user('b')],
        ['a', 'config', user('a')],
      ]),
      {},
      { delete: ['a', 'b'] },
    ],
    ['API-managed and not in the folder: left alone', folder([]), db([['a', 'api', user('a')]]), {}, {}],
    [
      'API-managed id in the folder: conflict, nothing written',
      folder(['a']),
      db([['a', 'api', user('a')]]),
      {},
      { conflicts: ['a'] },
    ],
    [
      'API-managed id in the folder with adopt: taken over even when equal',
      folder(['a']),
      db([['a', 'api', user('a')]]),
      { adopt: true },
      { update: ['a'] },
    ],
    [
      'all four at once',
      folder(['new', 'same', 'changed']),
      db([
        ['same', 'config', user('same')],
        ['changed', 'config', user('changed', 'x')],
        ['gone', 'config', user('gone')],
        ['mine', 'api', user('mine')],
      ]),
      {},
      { create: ['new'], unchanged: ['same'], update: ['changed'], delete: ['gone'] },
    ],
  ])('%s', (_name, desired, current, opts, expected) => {
    const plan = planReconcile(desired, current, opts);
    expect({
      create: plan.user.create.map((s) => s.id),
      update: plan.user.update.map((s) => s.id),
      delete: plan.user.delete,
      unchanged: plan.user.unchanged,
      conflicts: plan.user.conflicts,
    }).toEqual({ create: [], update: [], delete: [], unchanged: [], conflicts: [], ...expected });
  });

  it('plans each kind on its own: same id in two kinds is two entities', () => {
    const plan = planReconcile(
      folder(['x'], [['x', 2]]),
      db([['x', 'config', user('x')]], [['x', 'config', service('x', 1)]]),
    );
    expect(plan.user.unchanged).toEqual(['x']);
    expect(plan.service.update.map((s) => s.id)).toEqual(['x']);
  });

  it('never plans to delete an API-managed entity, whatever the folder holds', () => {
    const current = db(
      [
        ['a', 'api', user('a')],
        ['b', 'api', user('b')],
      ],
      [['s', 'api', service('s')]],
    );
    for (const desired of [folder([]), folder(['a']), folder(['c'], [['s', 1]])]) {
      for (const adopt of [false, true]) {
        const plan = planReconcile(desired, current, { adopt });
        expect([...plan.user.delete, ...plan.service.delete]).toEqual([]);
      }
    }
  });
});
