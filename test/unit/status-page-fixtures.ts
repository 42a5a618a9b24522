/** Hand-made status pages and incidents for the status-page unit tests. */
import { StatusPageSchema, type PageIncidentRecord, type StatusPageInput } from '../../domain/status-page';

export const PAGE_INPUT: StatusPageInput = {
  id: 'public',
  name: 'Acme Status',
  url: 'https://status.example.com',
  quietMinutes: 10,
  components: [
    { id: 'api', name: 'API', group: 'Core', services: ['api-gateway'] },
    { id: 'web', name: 'Website', group: 'Core' },
    { id: 'billing', name: 'Billing', description: 'Invoices and payments' },
  ],
  rules: [{ severities: ['SEV1', 'SEV2'], tiers: [1, 2] }],
  maintenances: [
    {
      id: 'db-upgrade',
      name: 'Database upgrade',
      components: ['billing'],
      start: '2026-05-10T02:00:00Z',
      end: '2026-05-10T04:00:00Z',
    },
  ],
};
export const PAGE = StatusPageSchema.parse(PAGE_INPUT);

export const SERVICES = [
  { id: 'api-gateway', name: 'API gateway', tier: 1 },
  {
    id: 'storefront',
    name: 'Storefront',
    tier: 2,
    statusPageComponent: 'Website',
    maintenanceWindows: [{ start: '2026-05-01T10:00:00.000Z', end: '2026-05-01T11:00:00.000Z', reason: 'CDN move' }],
  },
];

export function incident(over: Partial<PageIncidentRecord> & { id: string; createdAt: string }): PageIncidentRecord {
  return {
    pageId: 'public',
    name: 'Service disruption: API',
    status: 'investigating',
    impact: 'major',
    components: { api: 'partial_outage' },
    held: false,
    updatedAt: over.createdAt,
    updates: [
      {
        id: `${over.id}-1`,
        status: 'investigating',
        body: 'We are investigating.',
        createdAt: over.createdAt,
        displayAt: over.createdAt,
        components: over.components ?? { api: 'partial_outage' },
        by: 'vigil',
      },
    ],
    ...over,
  };
}
