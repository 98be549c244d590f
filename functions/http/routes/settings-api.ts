import { Hono, type Context } from 'hono';
import type { ProviderClients } from '../../connections/provider-clients';
import type { QboConnections } from '../../connections/qbo-connection';
import type { Logger } from '../../log';
import type { Connection } from '../../store/connections';
import { qboQuote } from '../../quickbooks/client';
import { SELLABLE_ITEM_TYPES } from '../../quickbooks/schemas';
import type { Store } from '../../store/store';
import { COMPATIBLE_TYPES, mappingProblem } from '../../sync/shared/compatibility';
import type { Flow } from '../../sync/flow';
import type { InvoicePreview } from '../../sync/invoices/sync';
import { isTwoWayObject, TWO_WAY_SPECS, type TwoWayObject } from '../../sync/registry';
import { InvalidSettingsError, type SyncRunner } from '../../sync/runner';
import type { FirstSyncPreview } from '../../sync/two-way/first-sync';
import { fail, providerFailure, reply, requireManager, type ApiEnv } from '../api/access';
import {
  ConnectionViewSchema,
  ConnectStartSchema,
  FieldCatalogSchema,
  PreviewSchema,
  SERVER_OWNED_SETTINGS,
  SettingsOverviewSchema,
  SyncSummarySchema,
  type ConnectionView,
  type SyncSummary,
  type Preview,
  type TwoWaySettingsBody,
} from '../api/contract';

export interface SettingsApiDeps {
  store: Store;
  sync: SyncRunner;
  clients: ProviderClients;
  qboConnections: QboConnections;
  log: Logger;
  now: () => Date;
}

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
  const { store, sync, clients, qboConnections, now } = deps;

  async function summary(connectionId: string, flow: Flow): Promise<SyncSummary> {
    const linkedRecords = await store.links.count(connectionId, flow.name);
    const { enabled, settings } = await sync.settings<{ firstSyncCompletedAt?: string }>(connectionId, flow.name);
    const { firstSyncCompletedAt, ...editable } = settings;
    return {
      object: flow.name,
      label: flow.label,
      direction: flow.direction,
      enabled,
      firstSyncCompletedAt: firstSyncCompletedAt ?? null,
      linkedRecords,
      settings: editable,
    } as SyncSummary;
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
    for (const flow of sync.syncs) syncs.push(await summary(connection.id, flow));
    const { userId, email, canManage } = c.get('viewer');
    return reply(c, SettingsOverviewSchema, { viewer: { userId, email, canManage }, connection: await connectionView(connection), syncs });
  }

  const syncParam = (c: Context<ApiEnv>): Flow | undefined => sync.syncs.find((f) => f.name === c.req.param('object'));
  const unknownSync = (c: Context<ApiEnv>) =>
    fail(c, 404, 'unknown_sync', `There is no "${c.req.param('object')}" sync; use one of ${sync.syncs.map((f) => f.name).join(', ')}.`);

  /** Two-way mappings checked against the portal's real properties: a pair that cannot carry values is refused. */
  async function mappingProblems(connection: Connection, o: TwoWayObject, body: TwoWaySettingsBody): Promise<string[]> {
    const flow = TWO_WAY_SPECS[o];
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
    .post('/api/quickbooks/connect', requireManager, async (c) =>
      reply(c, ConnectStartSchema, { url: await qboConnections.consentLink(c.get('connection'), c.get('viewer').userId) }),
    )
    .post('/api/quickbooks/disconnect', requireManager, async (c) => {
      await qboConnections.disconnect(c.get('connection'));
      return reply(c, ConnectionViewSchema, await connectionView((await store.connections.get(c.get('connection').id))!));
    })
    .post('/api/quickbooks/company-change/:choice{start-fresh|cancel}', requireManager, async (c) => {
      const id = c.get('connection').id;
      const done = c.req.param('choice') === 'start-fresh' ? await qboConnections.startFresh(id) : await qboConnections.cancelCompanyChange(id);
      if (!done)
        return fail(
          c,
          409,
          'no_company_change',
          'There is no change of QuickBooks company waiting for a choice (it may have expired): click Reconnect to choose a company again.',
        );
      return overview(c);
    })
    .get('/api/settings/:object/fields', async (c) => {
      const flow = syncParam(c);
      if (!flow) return unknownSync(c);
      const connection = c.get('connection');
      const connected = connectionState(connection) === 'connected';
      try {
        if (!isTwoWayObject(flow.name)) {
          // A one-way flow maps no fields; the invoice sync's choice from QuickBooks is Create invoice's default item.
          const items = connected
            ? (await clients.qbo(connection).query('Item', `Active = true AND Type IN (${SELLABLE_ITEM_TYPES.map(qboQuote).join(', ')})`)).map((i) => ({
                id: i.Id,
                name: i.Name,
              }))
            : null;
          return reply(c, FieldCatalogSchema, { hubspotProperties: [], qboFields: [], incomeAccounts: null, items });
        }
        const spec = TWO_WAY_SPECS[flow.name];
        const properties = await clients.hubspot(connection).properties(spec.hubspotType);
        const incomeAccounts =
          flow.name === 'products' && connected
            ? (await clients.qbo(connection).query('Account', "AccountType = 'Income' AND Active = true")).map((a) => ({ id: a.Id, name: a.Name }))
            : null;
        const qboFields = Object.entries(spec.qboFields as Record<string, { label: string; valueType: 'text' | 'money' | 'boolean' }>).map(([key, f]) => ({
          key,
          label: f.label,
          valueType: f.valueType,
          hubspotTypes: COMPATIBLE_TYPES[f.valueType].anyDirection,
          hubspotTypesToQboOnly: COMPATIBLE_TYPES[f.valueType].toQboOnly,
        }));
        return reply(c, FieldCatalogSchema, {
          hubspotProperties: properties.sort((a, b) => a.label.localeCompare(b.label)),
          qboFields,
          incomeAccounts,
          items: null,
        });
      } catch (err) {
        return providerFailure(c, err);
      }
    })
    .put('/api/settings/:object', requireManager, async (c) => {
      const flow = syncParam(c);
      if (!flow) return unknownSync(c);
      const body: unknown = await c.req.json().catch(() => undefined);
      const owned = SERVER_OWNED_SETTINGS.filter((k) => typeof body === 'object' && body !== null && k in body);
      if (owned.length > 0)
        return fail(
          c,
          400,
          'invalid_settings',
          'The settings were not saved.',
          owned.map((k) => `${k}: set by the app itself, never by a request`),
        );
      const parsed = flow.settings.editable.safeParse(body);
      if (!parsed.success)
        return fail(
          c,
          400,
          'invalid_settings',
          'The settings were not saved.',
          parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`),
        );
      const connection = c.get('connection');
      try {
        if (isTwoWayObject(flow.name)) {
          const problems = await mappingProblems(connection, flow.name, parsed.data as TwoWaySettingsBody);
          if (problems.length > 0) return fail(c, 400, 'invalid_settings', 'The settings were not saved.', problems);
        }
        await sync.saveSettings(connection.id, flow.name, parsed.data);
      } catch (err) {
        if (err instanceof InvalidSettingsError) return fail(c, 400, 'invalid_settings', 'The settings were not saved.', err.problems);
        return providerFailure(c, err);
      }
      return reply(c, SyncSummarySchema, await summary(connection.id, flow));
    })
    .post('/api/settings/:object/:toggle{enable|disable}', requireManager, async (c) => {
      const flow = syncParam(c);
      if (!flow) return unknownSync(c);
      const on = c.req.param('toggle') === 'enable';
      const connection = c.get('connection');
      if (on && connectionState(connection) !== 'connected') return notConnected(c);
      if (on && connection.qboIdCleanupPending) {
        return fail(
          c,
          409,
          'company_switch_in_progress',
          'The previous QuickBooks company’s ids are still being removed from HubSpot records. Try again in a minute.',
        );
      }
      await sync.setEnabled(connection.id, flow.name, on);
      return reply(c, SyncSummarySchema, await summary(connection.id, flow));
    })
    .delete('/api/settings/:object', requireManager, async (c) => {
      const flow = syncParam(c);
      if (!flow) return unknownSync(c);
      await sync.deleteSync(c.get('connection').id, flow.name);
      return c.body(null, 204);
    })
    .get('/api/settings/:object/preview', async (c) => {
      const flow = syncParam(c);
      if (!flow) return unknownSync(c);
      const connection = c.get('connection');
      if (connectionState(connection) !== 'connected') return notConnected(c);
      try {
        const preview = await sync.preview(connection.id, flow.name);
        if (!isTwoWayObject(flow.name)) {
          const { byStatus: _, ...rest } = (preview as InvoicePreview).counts;
          return reply(c, PreviewSchema, { kind: 'invoices', object: flow.name, counts: rest } as Preview);
        }
        const { counts } = preview as FirstSyncPreview;
        return reply(c, PreviewSchema, {
          kind: 'two_way',
          object: flow.name,
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
