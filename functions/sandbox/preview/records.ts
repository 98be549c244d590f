import type { Client } from '@hubspot/api-client';
import type { PreviewRecord } from './boot';

/**
 * The demo portal's records a card can be opened on, read from the HubSpot emulator through the official client:
 * the preview index lists them and the record page shows a few of their properties beside the cards.
 */
interface RecordShape {
  objectType: string;
  properties: string[];
  label(p: Record<string, string | null>): string | undefined;
  summary(p: Record<string, string | null>, stages: Map<string, string>): { label: string; value: string }[];
}

const money = (amount: string | null, currency: string | null) => {
  if (amount === null || amount === '') return undefined;
  const n = Number(amount);
  if (!Number.isFinite(n)) return amount;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD' }).format(n);
};
const present = (items: { label: string; value: string | null | undefined }[]) => items.flatMap(({ label, value }) => (value ? [{ label, value }] : []));

const SHAPES: Record<string, RecordShape> = {
  '0-3': {
    objectType: 'deals',
    properties: ['dealname', 'amount', 'deal_currency_code', 'dealstage', 'closedate'],
    label: (p) => p.dealname ?? undefined,
    summary: (p, stages) =>
      present([
        { label: 'Amount', value: money(p.amount ?? null, p.deal_currency_code ?? null) },
        { label: 'Deal stage', value: p.dealstage ? (stages.get(p.dealstage) ?? p.dealstage) : undefined },
        { label: 'Close date', value: p.closedate?.slice(0, 10) },
      ]),
  },
  '0-1': {
    objectType: 'contacts',
    properties: ['firstname', 'lastname', 'email', 'company'],
    label: (p) => [p.firstname, p.lastname].filter(Boolean).join(' ') || (p.email ?? undefined),
    summary: (p) =>
      present([
        { label: 'Email', value: p.email },
        { label: 'Company', value: p.company },
      ]),
  },
  '0-2': {
    objectType: 'companies',
    properties: ['name', 'domain'],
    label: (p) => p.name ?? p.domain ?? undefined,
    summary: (p) => present([{ label: 'Domain', value: p.domain }]),
  },
};

export class PreviewRecords {
  constructor(private readonly client: () => Client) {}

  /** Up to `limit` records of a type, oldest first (the demo seed's order). */
  async list(objectTypeId: string, limit = 50): Promise<PreviewRecord[]> {
    const shape = SHAPES[objectTypeId];
    if (!shape) return [];
    const page = await this.client().crm.objects.basicApi.getPage(shape.objectType, limit, undefined, shape.properties);
    const stages = await this.stages(objectTypeId);
    return page.results.map((r) => this.toRecord(objectTypeId, shape, r.id, r.properties, stages));
  }

  /** One record, or undefined when the portal has no such record. */
  async get(objectTypeId: string, id: string): Promise<PreviewRecord | undefined> {
    const shape = SHAPES[objectTypeId];
    if (!shape || !/^\d+$/.test(id)) return undefined;
    try {
      const r = await this.client().crm.objects.basicApi.getById(shape.objectType, id, shape.properties);
      return this.toRecord(objectTypeId, shape, r.id, r.properties, await this.stages(objectTypeId));
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  private toRecord(objectTypeId: string, shape: RecordShape, id: string, props: Record<string, string | null>, stages: Map<string, string>): PreviewRecord {
    return { objectTypeId, id, label: shape.label(props) ?? `${shape.objectType} ${id}`, summary: shape.summary(props, stages) };
  }

  private async stages(objectTypeId: string): Promise<Map<string, string>> {
    if (objectTypeId !== '0-3') return new Map();
    const pipelines = await this.client().crm.pipelines.pipelinesApi.getAll('deals');
    return new Map(pipelines.results.flatMap((p) => p.stages.map((s) => [s.id, s.label] as const)));
  }
}
