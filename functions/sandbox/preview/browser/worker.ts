import { createRemoteRoot, type RemoteChannel } from '@remote-ui/core';
import { createRoot } from '@remote-ui/react';
import { createEndpoint, retain, type MessageEndpoint } from '@remote-ui/rpc';
import type { ReactElement } from 'react';
import type { ExtensionContext, FetchEnvelope, WorkerApi } from '../boot';
import { PREVIEW_PREFIX } from '../boot';
import { hubspotApi } from './hubspot-api';

/**
 * The worker an extension runs in, set up as HubSpot sets up its own before the extension's code is evaluated:
 * `@hubspot/ui-extensions` reads these globals when it loads (`hubspot.extend` is `self.extend_V2`, `hubspot.fetch`
 * is `self.hsFetch`, the hooks call `self.hsWorkerAPI`). The bundler imports this file before the extension's entry.
 * The page then calls `start` with a remote-ui channel, the context and the host's actions; the registered callback
 * renders into a remote root whose tree the page draws.
 */
type Api = { context: ExtensionContext; actions: Record<string, (...args: never[]) => unknown>; runServerlessFunction: () => Promise<never> };
type RenderCallback = (api: Api) => ReactElement;

const scope = self as unknown as Record<string, unknown> & MessageEndpoint;
let registered: RenderCallback | undefined;
let api: Api | undefined;

const current = (): Api => {
  if (!api) throw new Error('The extension used a HubSpot hook before the preview started it.');
  return api;
};

const serverless = () => Promise.reject(new Error('hubspot.serverless runs only in private apps; a marketplace app calls its backend with hubspot.fetch.'));

function toPlainHeaders(headers: unknown): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  return headers as Record<string, string>;
}

/** `hubspot.fetch`: the preview's proxy signs the request as HubSpot's does and sends it to the backend. */
async function hsFetch(
  url: string | URL,
  options: { method?: string; timeout?: number; body?: Record<string, unknown>; headers?: unknown } = {},
): Promise<Response> {
  const headers = toPlainHeaders(options.headers);
  const envelope: FetchEnvelope = {
    userId: current().context.user.id,
    request: {
      url: String(url),
      ...(options.method !== undefined ? { method: options.method } : {}),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(headers !== undefined ? { headers } : {}),
    },
  };
  return fetch(`${PREVIEW_PREFIX}/api/fetch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope) });
}

const answer = (payload: { data: unknown } | { error: string }) => new Response(JSON.stringify(payload), { headers: { 'content-type': 'application/json' } });
const failure = (err: unknown) => answer({ error: err instanceof Error ? err.message : String(err) });

function record() {
  const crmContext = current().context.crm;
  if (!crmContext) throw new Error('CRM data hooks work only in cards on a CRM record.');
  return crmContext;
}

async function propertyNames(objectTypeId: string, names: string[] | '*'): Promise<string[]> {
  if (names !== '*') return names;
  const all = await hubspotApi<{ results: { name: string }[] }>(`/crm/v3/properties/${objectTypeId}`);
  return all.results.map((p) => p.name);
}

async function readProperties(names: string[] | '*'): Promise<Record<string, string | null>> {
  const { objectId, objectTypeId } = record();
  const wanted = await propertyNames(objectTypeId, names);
  const found = await hubspotApi<{ properties: Record<string, string | null> }>(
    `/crm/v3/objects/${objectTypeId}/${objectId}?properties=${encodeURIComponent(wanted.join(','))}`,
  );
  return Object.fromEntries(wanted.map((n) => [n, found.properties[n] ?? null]));
}

const hsWorkerAPI = {
  useExtensionContext: () => current().context,
  useExtensionActions: () => current().actions,
  useExtensionApi: () => current(),
  useAppPageLocation: () => ({ path: '/', params: {} }),

  async fetchCrmProperties(names: string[] | '*') {
    try {
      return answer({ data: await readProperties(names) });
    } catch (err) {
      return failure(err);
    }
  },

  async fetchAssociations(request: { toObjectType: string; properties?: string[]; pageLength?: number; offset?: number }) {
    try {
      const { objectId, objectTypeId } = record();
      const links = await hubspotApi<{
        results: { toObjectId: number | string; associationTypes: { category: string; typeId: number; label: string | null }[] }[];
      }>(`/crm/v4/objects/${objectTypeId}/${objectId}/associations/${request.toObjectType}?limit=500`);
      const offset = request.offset ?? 0;
      const pageLength = request.pageLength ?? 10;
      const page = links.results.slice(offset, offset + pageLength);
      const properties = request.properties ?? [];
      const read =
        page.length === 0
          ? { results: [] }
          : await hubspotApi<{ results: { id: string; properties: Record<string, string | null> }[] }>(`/crm/v3/objects/${request.toObjectType}/batch/read`, {
              method: 'POST',
              body: { inputs: page.map((l) => ({ id: String(l.toObjectId) })), properties },
            });
      const byId = new Map(read.results.map((r) => [r.id, r.properties]));
      return answer({
        data: {
          results: page.map((l) => ({
            toObjectId: Number(l.toObjectId),
            associationTypes: l.associationTypes.map((t) => ({ ...t, label: t.label ?? '' })),
            properties: Object.fromEntries(properties.map((p) => [p, byId.get(String(l.toObjectId))?.[p] ?? null])),
          })),
          hasMore: offset + pageLength < links.results.length,
          nextOffset: offset + page.length,
        },
      });
    } catch (err) {
      return failure(err);
    }
  },

  async fetchCrmSearch(request: {
    objectType: string;
    properties?: string[];
    query?: string;
    filterGroups?: unknown[];
    sorts?: unknown[];
    pageLength?: number;
    after?: string;
  }) {
    try {
      const found = await hubspotApi<{
        total: number;
        results: { id: string; properties: Record<string, string | null> }[];
        paging?: { next?: { after: string } };
      }>(`/crm/v3/objects/${request.objectType}/search`, {
        method: 'POST',
        body: {
          ...(request.query ? { query: request.query } : {}),
          filterGroups: request.filterGroups ?? [],
          sorts: request.sorts ?? [],
          properties: request.properties ?? [],
          limit: request.pageLength ?? 10,
          ...(request.after ? { after: request.after } : {}),
        },
      });
      const after = found.paging?.next?.after;
      return answer({
        data: {
          results: found.results.map((r) => ({ objectId: Number(r.id), properties: r.properties })),
          total: found.total,
          hasMore: after !== undefined,
          ...(after ? { after } : {}),
        },
      });
    } catch (err) {
      return failure(err);
    }
  },

  formatCrmProperties: async (request: { propertiesList: Record<string, string | null>[] }) => answer({ data: request.propertiesList }),
  fetchHubSpotApi: () => Promise.reject(new Error('The experimental HubSpot API client is not available in the local preview.')),
};

scope.__HUBSPOT_EXTENSION_WORKER__ = true;
scope.extend_V2 = (callback: RenderCallback) => {
  registered = callback;
};
scope.hsFetch = hsFetch;
scope.serverless = serverless;
scope.hsWorkerAPI = hsWorkerAPI;
scope.logger = {
  debug: (data: unknown) => console.debug(data),
  info: (data: unknown) => console.info(data),
  warn: (data: unknown) => console.warn(data),
  error: (data: unknown) => console.error(data),
};

const endpoint = createEndpoint(scope);
const exposed: WorkerApi = {
  async start(channel, init) {
    if (!registered) throw new Error('The extension did not call hubspot.extend(): its entry file must register what it renders.');
    // The channel and the actions are called long after this call returns; remote-ui frees them unless retained.
    retain(channel);
    retain(init.actions);
    api = { context: init.context, actions: init.actions, runServerlessFunction: serverless };
    const root = createRemoteRoot(channel as RemoteChannel);
    createRoot(root).render(registered(api));
    await root.mount();
  },
};
endpoint.expose(exposed as unknown as Record<string, (...args: never[]) => unknown>);
