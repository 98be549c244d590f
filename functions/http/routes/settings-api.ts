import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { ProviderClients } from '../../connections/provider-clients';
import type { QboConnections } from '../../connections/qbo-connection';
import type { Logger } from '../../log';
import type { Connection } from '../../store/connections';
import { qboQuote } from '../../quickbooks/client';
import { SELLABLE_ITEM_TYPES } from '../../quickbooks/schemas';
import type { Store } from '../../store/store';
import { COMPATIBLE_TYPES, mappingProblem } from '../../sync/shared/compatibility';
import type { InvoiceService } from '../../sync/invoices/service';
import { InvalidSettingsError, TWO_WAY_FLOWS, type SyncService, type TwoWayObject } from '../../sync/service';
import { fail, providerFailure, reply, requireManager, type ApiEnv } from '../api/access';
import {
  ConnectionViewSchema,
  ConnectStartSchema,
  FieldCatalogSchema,
  InvoiceSettingsBodySchema,
  PreviewSchema,
  SERVER_OWNED_SETTINGS,
  SettingsOverviewSchema,
  SyncNameSchema,
  SyncSummarySchema,
  TwoWaySettingsBodySchema,
  type ConnectionView,
  type SyncName,
  type SyncSummary,
} from '../api/contract';

export interface SettingsApiDeps {
  store: Store;
  sync: SyncService;
  invoices: InvoiceService;
  clients: ProviderClients;
  qboConnections: QboConnections;
  log: Logger;
  now: () => Date;
}

export const SYNC_LABELS: Record<SyncName, string> = {
  contacts: 'Contacts ⇄ Customers',
  products: 'Products ⇄ Products and Services',
  invoices: 'Invoices QuickBooks → HubSpot',
};

/** The connection as the settings page and the deal card show it. */
export function connectionState(connection: Connection): ConnectionView['state'] {
  if (connection.status === 'active' && connection.qboTokens !== undefined) return 'connected';
  if (connection.status === 'reauth_required' && connection.qboRealmId !== undefined) return 'needs_reconnect';
  return 'not_connected';
}

const notConnected = (c: Context) => fail(c, 409, 'not_connected', 'Connect QuickBooks first: the sync needs the company to read from and write to.');

/**
 * The settings page's backend: the QuickBooks connection, and each sync's on/off, settings, preview and deletion.
 * Behind `apiAccess` (signed, member of the portal); every change also behind `requireManager`.
 */
export function settingsApiRoutes(deps: SettingsApiDeps): Hono<ApiEnv> {
  const { store, sync, invoices, clients, qboConnections, now } = deps;

  const control = {
    setEnabled: (connectionId: string, o: SyncName, on: boolean) => (o === 'invoices' ? invoices.setEnabled(connectionId, on) : sync.setEnabled(connectionId, o, on)),
    delete: (connectionId: string, o: SyncName) => (o === 'invoices' ? invoices.deleteSync(connectionId) : sync.deleteSync(connectionId, o)),
  };

  async function summary(connectionId: string, o: SyncName): Promise<SyncSummary> {
    const linkedRecords = await store.links.count(connectionId, o);
    if (o === 'invoices') {
      const { enabled, settings } = await invoices.settings(connectionId);
      const { firstSyncCompletedAt, ...editable } = settings;
      return { object: o, label: SYNC_LABELS[o], direction: 'to_hubspot', enabled, firstSyncCompletedAt: firstSyncCompletedAt ?? null, linkedRecords, settings: editable };
    }
    const { enabled, settings } = await sync.settings(connectionId, o);
    const { firstSyncCompletedAt, ...editable } = settings;
    return { object: o, label: SYNC_LABELS[o], direction: 'two_way', enabled, firstSyncCompletedAt: firstSyncCompletedAt ?? null, linkedRecords, settings: editable };
  }

  async function connectionView(connection: Connection): Promise<ConnectionView> {
    const pending = await store.pendingQboConnections.get(connection.id, now());
    const state = connectionState(connection);
    return {
      state,
      companyName: connection.qboCompanyName ?? null,
      realmId: connection.qboRealmId ?? null,
      reason: state === 'connected' ? null : (connection.statusReason ?? null),
      clearingPreviousCompany: connection.qboIdCleanupPending,
      pendingCompanyChange: pending
        ? {
            realmId: pending.realmId,
            companyName: pending.companyName ?? null,
            currentCompanyName: connection.qboCompanyName ?? null,
            currentRealmId: connection.qboRealmId ?? null,
            startedByUserId: pending.startedByUserId,
            expiresAt: pending.expiresAt.toISOString(),
          }
        : null,
    };
  }

  async function overview(c: Context<ApiEnv>) {
    const connection = (await store.connections.get(c.get('connection').id))!;
    const syncs = [];
    for (const o of SyncNameSchema.options) syncs.push(await summary(connection.id, o));
    const { userId, email, canManage } = c.get('viewer');
    return reply(c, SettingsOverviewSchema, { viewer: { userId, email, canManage }, connection: await connectionView(connection), syncs });
  }

  const syncParam = (c: Context<ApiEnv>): SyncName | undefined => SyncNameSchema.safeParse(c.req.param('object')).data;
  const unknownSync = (c: Context<ApiEnv>) => fail(c, 404, 'unknown_sync', `There is no "${c.req.param('object')}" sync; use one of ${SyncNameSchema.options.join(', ')}.`);

  /** Two-way mappings checked against the portal's real properties: a pair that cannot carry values is refused. */
  async function mappingProblems(connection: Connection, o: TwoWayObject, body: z.infer<typeof TwoWaySettingsBodySchema>): Promise<string[]> {
    const flow = TWO_WAY_FLOWS[o];
    const properties = new Map((await clients.hubspot(connection).properties(flow.hubspotType)).map((p) => [p.name, p]));
    const problems: string[] = [];
    for (const m of body.mappings) {
      const qbo = (flow.qboFields as Record<string, { label: string; valueType: 'text' | 'money' | 'boolean' } | undefined>)[m.qboField];
      if (qbo === undefined) continue;
      const problem = mappingProblem(m, properties.get(m.hubspotProperty), qbo, flow.label.hubspot);
      if (problem) problems.push(problem);
    }
    return problems;
  }

  return new Hono<ApiEnv>()
    .get('/api/settings', (c) => overview(c))
    .post('/api/quickbooks/connect', requireManager, async (c) => reply(c, ConnectStartSchema, { url: await qboConnections.consentLink(c.get('connection'), c.get('viewer').userId) }))
    .post('/api/quickbooks/disconnect', requireManager, async (c) => {
      await qboConnections.disconnect(c.get('connection'));
      return reply(c, ConnectionViewSchema, await connectionView((await store.connections.get(c.get('connection').id))!));
    })
    .post('/api/quickbooks/company-change/:choice{start-fresh|cancel}', requireManager, async (c) => {
      const id = c.get('connection').id;
      const done = c.req.param('choice') === 'start-fresh' ? await qboConnections.startFresh(id) : await qboConnections.cancelCompanyChange(id);
      if (!done) return fail(c, 409, 'no_company_change', 'There is no change of QuickBooks company waiting for a choice (it may have expired): click Reconnect to choose a company again.');
      return overview(c);
    })
    .get('/api/settings/:object/fields', async (c) => {
      const o = syncParam(c);
      if (!o) return unknownSync(c);
      const connection = c.get('connection');
      const connected = connectionState(connection) === 'connected';
      try {
        if (o === 'invoices') {
          // The invoice sync maps no fields; its editable choice from QuickBooks is Create invoice's default item.
          const items = connected ? (await clients.qbo(connection).query('Item', `Active = true AND Type IN (${SELLABLE_ITEM_TYPES.map(qboQuote).join(', ')})`)).map((i) => ({ id: i.Id, name: i.Name })) : null;
          return reply(c, FieldCatalogSchema, { hubspotProperties: [], qboFields: [], incomeAccounts: null, items });
        }
        const flow = TWO_WAY_FLOWS[o];
        const properties = await clients.hubspot(connection).properties(flow.hubspotType);
        const incomeAccounts =
          o === 'products' && connected ? (await clients.qbo(connection).query('Account', "AccountType = 'Income' AND Active = true")).map((a) => ({ id: a.Id, name: a.Name })) : null;
        const qboFields = Object.entries(flow.qboFields as Record<string, { label: string; valueType: 'text' | 'money' | 'boolean' }>).map(([key, f]) => ({
          key,
          label: f.label,
          valueType: f.valueType,
          hubspotTypes: COMPATIBLE_TYPES[f.valueType].anyDirection,
          hubspotTypesToQboOnly: COMPATIBLE_TYPES[f.valueType].toQboOnly,
        }));
        return reply(c, FieldCatalogSchema, { hubspotProperties: properties.sort((a, b) => a.label.localeCompare(b.label)), qboFields, incomeAccounts, items: null });
      } catch (err) {
        return providerFailure(c, err);
      }
    })
    .put('/api/settings/:object', requireManager, async (c) => {
      const o = syncParam(c);
      if (!o) return unknownSync(c);
      const body: unknown = await c.req.json().catch(() => undefined);
      const owned = SERVER_OWNED_SETTINGS.filter((k) => typeof body === 'object' && body !== null && k in body);
      if (owned.length > 0) return fail(c, 400, 'invalid_settings', 'The settings were not saved.', owned.map((k) => `${k}: set by the app itself, never by a request`));
      const schema = o === 'invoices' ? InvoiceSettingsBodySchema : TwoWaySettingsBodySchema;
      const parsed = schema.safeParse(body);
      if (!parsed.success) return fail(c, 400, 'invalid_settings', 'The settings were not saved.', parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`));
      const connection = c.get('connection');
      try {
        if (o === 'invoices') await invoices.saveSettings(connection.id, parsed.data);
        else {
          const problems = await mappingProblems(connection, o, parsed.data as z.infer<typeof TwoWaySettingsBodySchema>);
          if (problems.length > 0) return fail(c, 400, 'invalid_settings', 'The settings were not saved.', problems);
          await sync.saveSettings(connection.id, o, parsed.data);
        }
      } catch (err) {
        if (err instanceof InvalidSettingsError) return fail(c, 400, 'invalid_settings', 'The settings were not saved.', err.problems);
        return providerFailure(c, err);
      }
      return reply(c, SyncSummarySchema, await summary(connection.id, o));
    })
    .post('/api/settings/:object/:toggle{enable|disable}', requireManager, async (c) => {
      const o = syncParam(c);
      if (!o) return unknownSync(c);
      const on = c.req.param('toggle') === 'enable';
      const connection = c.get('connection');
      if (on && connectionState(connection) !== 'connected') return notConnected(c);
      if (on && connection.qboIdCleanupPending) {
        return fail(c, 409, 'company_switch_in_progress', 'The previous QuickBooks company’s ids are still being removed from HubSpot records. Try again in a minute.');
      }
      await control.setEnabled(connection.id, o, on);
      return reply(c, SyncSummarySchema, await summary(connection.id, o));
    })
    .delete('/api/settings/:object', requireManager, async (c) => {
      const o = syncParam(c);
      if (!o) return unknownSync(c);
      await control.delete(c.get('connection').id, o);
      return c.body(null, 204);
    })
    .get('/api/settings/:object/preview', async (c) => {
      const o = syncParam(c);
      if (!o) return unknownSync(c);
      const connection = c.get('connection');
      if (connectionState(connection) !== 'connected') return notConnected(c);
      try {
        if (o === 'invoices') {
          const { counts } = await invoices.preview(connection.id);
          const { byStatus: _, ...rest } = counts;
          return reply(c, PreviewSchema, { kind: 'invoices', object: o, counts: rest });
        }
        const { counts } = await sync.preview(connection.id, o);
        return reply(c, PreviewSchema, {
          kind: 'two_way',
          object: o,
          counts: {
            matched: counts.linked,
            createInHubspot: counts.createdInHubspot,
            createInQbo: counts.createdInQbo,
            updateHubspot: counts.updatedHubspot,
            updateQbo: counts.updatedQbo,
            unchanged: counts.unchanged,
            conflicts: counts.conflicts,
          },
        });
      } catch (err) {
        return providerFailure(c, err);
      }
    });
}
