import type { ProviderClients } from '../../connections/provider-clients';
import type { HsObjectType } from '../../hubspot/client';
import type { Logger } from '../../log';
import { qboAppLink, type LinkedQboEntity } from '../../quickbooks/app-links';
import type { Connection } from '../../store/connections';
import type { LoggedSyncEntry } from '../../store/sync-log';
import { qboQuote } from '../../quickbooks/client';
import type { RecordRefSchema } from './contract';
import type { z } from 'zod';

export type RecordRef = z.infer<typeof RecordRefSchema>;

/**
 * HubSpot's object type ids (https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis): the
 * record page is `/contacts/{portal}/record/{typeId}/{id}`.
 */
const HUBSPOT_TYPE_IDS: Partial<Record<HsObjectType, string>> = { contacts: '0-1', deals: '0-3', products: '0-7', invoices: '0-53' };

type Kind = { hubspot: 'contacts' | 'products' | 'deals' | 'invoices'; qbo: 'Customer' | 'Item' | 'Invoice' | 'Payment'; noun: string };

/** Which records a log entry is about: invoice-flow entries name an invoice, a payment, or the deal a roll-up was for. */
function kindOf(e: LoggedSyncEntry): Kind {
  if (e.object === 'contacts') return { hubspot: 'contacts', qbo: 'Customer', noun: 'Contact' };
  if (e.object === 'products') return { hubspot: 'products', qbo: 'Item', noun: 'Product' };
  if (e.action === 'deal_rollup') return { hubspot: 'deals', qbo: 'Invoice', noun: 'Deal' };
  if (e.action.startsWith('payment')) return { hubspot: 'invoices', qbo: 'Payment', noun: 'Payment' };
  return { hubspot: 'invoices', qbo: 'Invoice', noun: 'Invoice' };
}

const HUBSPOT_NAME_PROPERTIES: Record<Kind['hubspot'], string[]> = {
  contacts: ['firstname', 'lastname', 'email'],
  products: ['name'],
  deals: ['dealname'],
  invoices: ['hs_number'],
};

function hubspotName(type: Kind['hubspot'], p: Record<string, string | null>): string | undefined {
  const name =
    type === 'contacts'
      ? [p['firstname'], p['lastname']].filter(Boolean).join(' ') || p['email']
      : type === 'products'
        ? p['name']
        : type === 'deals'
          ? p['dealname']
          : p['hs_number'] && `Invoice ${p['hs_number']}`;
  return name || undefined;
}

function qboName(entity: Kind['qbo'], e: Record<string, unknown>): string | undefined {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const customer = (e['CustomerRef'] as { name?: string } | undefined)?.name;
  switch (entity) {
    case 'Customer':
      return text(e['DisplayName']);
    case 'Item':
      return text(e['Name']);
    case 'Invoice':
      return `Invoice ${text(e['DocNumber']) ?? text(e['Id'])}${customer ? ` for ${customer}` : ''}`;
    case 'Payment':
      return `Payment ${text(e['PaymentRefNum']) ?? text(e['Id'])}${customer ? ` from ${customer}` : ''}`;
  }
}

const LINKED_QBO: Partial<Record<Kind['qbo'], LinkedQboEntity>> = { Customer: 'Customer', Invoice: 'Invoice', Payment: 'Payment' };

/**
 * The names and links of the records behind log entries, so a failure reads "Ada Lovelace" with a link to her
 * contact rather than an id. Names are read live, one batch per object type and side; a provider that does not
 * answer leaves the entry with its id, never an error on the page.
 */
export async function recordRefs(entries: LoggedSyncEntry[], connection: Connection, clients: ProviderClients, log: Logger): Promise<Map<number, RecordRef>> {
  const hubspotIds = new Map<Kind['hubspot'], Set<string>>();
  const qboIds = new Map<Kind['qbo'], Set<string>>();
  for (const e of entries) {
    const kind = kindOf(e);
    if (e.hubspotId) hubspotIds.set(kind.hubspot, (hubspotIds.get(kind.hubspot) ?? new Set()).add(e.hubspotId));
    else if (e.qboId) qboIds.set(kind.qbo, (qboIds.get(kind.qbo) ?? new Set()).add(e.qboId));
  }
  const names = new Map<string, string>();
  for (const [type, ids] of hubspotIds) {
    try {
      for (const r of await clients.hubspot(connection).read(type, [...ids], HUBSPOT_NAME_PROPERTIES[type])) {
        const name = hubspotName(type, r.properties);
        if (name) names.set(`hs:${type}:${r.id}`, name);
      }
    } catch (err) {
      log.warn({ err, type }, 'could not read the names of failed HubSpot records');
    }
  }
  if (connection.qboRealmId !== undefined && connection.status === 'active') {
    for (const [entity, ids] of qboIds) {
      try {
        const rows = await clients.qbo(connection).query(entity, `Id IN (${[...ids].map(qboQuote).join(', ')})`);
        for (const r of rows as Record<string, unknown>[]) {
          const name = qboName(entity, r);
          if (name) names.set(`qbo:${entity}:${String(r['Id'])}`, name);
        }
      } catch (err) {
        log.warn({ err, entity }, 'could not read the names of failed QuickBooks records');
      }
    }
  }
  const environment = clients.settings.quickbooks.environment;
  const refs = new Map<number, RecordRef>();
  for (const e of entries) {
    const kind = kindOf(e);
    const typeId = HUBSPOT_TYPE_IDS[kind.hubspot];
    const linked = LINKED_QBO[kind.qbo];
    const name =
      (e.hubspotId && names.get(`hs:${kind.hubspot}:${e.hubspotId}`)) ||
      (e.qboId && names.get(`qbo:${kind.qbo}:${e.qboId}`)) ||
      (e.hubspotId || e.qboId ? `${kind.noun} ${e.hubspotId ?? e.qboId}` : `${kind.noun}s of one batch`);
    refs.set(e.id, {
      name,
      hubspotId: e.hubspotId ?? null,
      // HubSpot record pages as the CRM links them; for products (0-7) and invoices (0-53) the same pattern is assumed.
      hubspotUrl: e.hubspotId && typeId ? `https://app.hubspot.com/contacts/${connection.hubspotPortalId}/record/${typeId}/${e.hubspotId}` : null,
      qboId: e.qboId ?? null,
      qboUrl: e.qboId && linked ? qboAppLink(environment, linked, e.qboId) : null,
    });
  }
  return refs;
}
