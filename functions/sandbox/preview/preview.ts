import { Client } from '@hubspot/api-client';
import { Hono, type Context } from 'hono';
import type { HubSpotEmulator } from '../../../emulators/hubspot/emulator';
import type { Logger } from '../../log';
import { createAppFetchProxy, FETCH_LIMITS } from './app-fetch';
import { PREVIEW_PREFIX, type BootExtension, type ExtensionContext, type FetchEnvelope, type PreviewBoot, type PreviewView } from './boot';
import { PreviewBundler } from './bundler';
import { emulatorPersonas, type Persona, type PersonaSource } from './personas';
import { readPreviewProject, type PreviewExtension, type PreviewProject } from './project';
import { PreviewRecords } from './records';

/**
 * Sandbox mode's local preview of the app's UI extensions: the settings page and the cards, built from the project's
 * own files, drawn in the browser by a host that plays HubSpot's part, and wired to the running backend through a
 * signing `hubspot.fetch` proxy. Never part of live mode: only the sandbox creates it.
 *
 * Routes (all under /preview): the index, `/settings`, `/records/:objectTypeId/:objectId` (the record page with its
 * cards), the built scripts under `/assets/`, the fetch proxy `POST /api/fetch`, and `/api/hubspot/crm/*`, the
 * read-only CRM data HubSpot's own UI gives cards (properties, associations, search) from the HubSpot emulator.
 */
export interface PreviewOptions {
  /** The HubSpot project's srcDir (the `src/` that `hs project upload` sends). */
  srcDir: string;
  /** The backend the extensions' fetches reach (its public URL, which signatures cover). */
  backendUrl: string;
  hubspot: { emulator: HubSpotEmulator; url: string };
  log: Logger;
  /** Who may be chosen in the persona picker; by default the HubSpot emulator's users. */
  personas?: PersonaSource;
  /** The portal's time zone in `context.portal.timezone`. */
  timezone?: string;
  /** Shortens the fetch proxy's timeout in tests (see createAppFetchProxy). */
  deadline?: (ms: number) => AbortSignal;
}

export interface Preview {
  app: Hono;
  stop(): Promise<void>;
}

/** The scope HubSpot's users API needs (https://developers.hubspot.com/docs/api/settings/user-provisioning). */
const USERS_SCOPE = 'settings.users.read';
const CRM_READ_PATHS =
  /^\/crm\/(v3\/objects\/[^/]+(\/\d+|\/search|\/batch\/read)?|v4\/objects\/[^/]+\/\d+\/associations\/[^/]+|v3\/properties\/[^/]+|v3\/pipelines\/[^/]+)$/;

export function createPreview(options: PreviewOptions): Preview {
  const { emulator } = options.hubspot;
  const bundler = new PreviewBundler();
  const token = portalToken(emulator);
  const client = () => new Client({ accessToken: token(), basePath: options.hubspot.url, numberOfApiCallRetries: 0 });
  const records = new PreviewRecords(client);
  const personas =
    options.personas ??
    emulatorPersonas({ url: options.hubspot.url, accessToken: token, fallback: { id: emulator.config.userId, email: emulator.config.userEmail } }, options.log);
  let knownPersonas: Persona[] = [];
  const loadPersonas = async () => (knownPersonas = await personas());

  const proxies = new Map<string, ReturnType<typeof createAppFetchProxy>>();
  const fetchProxy = (project: PreviewProject) => {
    const key = project.permittedFetchOrigins.join(' ');
    let proxy = proxies.get(key);
    if (!proxy) {
      proxy = createAppFetchProxy({
        permittedOrigins: project.permittedFetchOrigins,
        backendUrl: options.backendUrl,
        sign: (url, opts) => emulator.signedFetch(url, opts),
        log: options.log,
        ...(options.deadline ? { deadline: options.deadline } : {}),
      });
      proxies.set(key, proxy);
    }
    return proxy;
  };

  const contextFor = (project: PreviewProject, ext: PreviewExtension, persona: Persona, crm?: ExtensionContext['crm']): ExtensionContext => ({
    location: ext.location,
    user: {
      id: persona.id,
      email: persona.email,
      emails: [persona.email],
      firstName: persona.firstName,
      lastName: persona.lastName,
      roles: persona.roleIds,
      teams: [],
      locale: 'en-US',
      language: 'en',
      // The one permission the SDK types name; HubSpot grants it to users who may manage apps (super admins here).
      permissions: persona.superAdmin ? ['integrations-management-write'] : [],
    },
    portal: { id: emulator.config.portalId, timezone: options.timezone ?? 'America/New_York' },
    // The preview is its own profile: BACKEND_URL is the running backend (hsprofile variables reach extensions as context.variables).
    variables: { BACKEND_URL: options.backendUrl },
    ...(crm ? { crm } : {}),
    extension: { appId: emulator.config.appId, appName: project.appName, ...(ext.kind === 'card' ? { cardTitle: ext.title } : {}) },
  });

  const bootExtension = async (project: PreviewProject, ext: PreviewExtension, persona: Persona, crm?: ExtensionContext['crm']): Promise<BootExtension> => {
    const built = await bundler.extension(ext.uid, ext.entrypoint);
    const base = { uid: ext.uid, title: ext.title, location: ext.location, context: contextFor(project, ext, persona, crm) };
    return built.ok ? { ...base, scriptUrl: `${PREVIEW_PREFIX}/assets/extension/${encodeURIComponent(ext.uid)}.js` } : { ...base, buildError: built.error };
  };

  const page = async (c: Context, view: (project: PreviewProject, persona: Persona) => Promise<PreviewView | undefined>) => {
    const project = await readPreviewProject(options.srcDir);
    const people = await loadPersonas();
    const chosen = Number(c.req.query('as'));
    const persona = people.find((p) => p.id === chosen) ?? people.find((p) => p.superAdmin) ?? people[0];
    if (!persona) return c.text('The demo portal has no users to act as.', 500);
    const v = await view(project, persona);
    if (!v) return c.html(notFoundHtml(), 404);
    const boot: PreviewBoot = { appName: project.appName, portalId: emulator.config.portalId, personas: people, persona, problems: project.problems, view: v };
    return c.html(shellHtml(project.appName, boot));
  };

  const app = new Hono({ strict: false }).basePath(PREVIEW_PREFIX);

  app.get('/', (c) =>
    page(c, async (project) => ({
      kind: 'index',
      settings: project.extensions.some((e) => e.kind === 'settings'),
      cards: await Promise.all(
        project.extensions
          .filter((e) => e.kind === 'card')
          .map(async (e) => ({ uid: e.uid, title: e.title, records: (await Promise.all(e.objectTypeIds.map((t) => records.list(t)))).flat() })),
      ),
    })),
  );

  app.get('/settings', (c) =>
    page(c, async (project, persona) => {
      const ext = project.extensions.find((e) => e.kind === 'settings');
      return { kind: 'settings', extension: ext ? await bootExtension(project, ext, persona) : undefined };
    }),
  );

  app.get('/records/:objectTypeId/:objectId', (c) =>
    page(c, async (project, persona) => {
      const { objectTypeId, objectId } = c.req.param();
      const record = await records.get(objectTypeId, objectId);
      if (!record) return undefined;
      const cards = project.extensions.filter((e) => e.kind === 'card' && e.objectTypeIds.includes(objectTypeId));
      const crm = { objectId: Number(objectId), objectTypeId };
      return {
        kind: 'record',
        record,
        siblings: await records.list(objectTypeId),
        extensions: await Promise.all(cards.map((e) => bootExtension(project, e, persona, crm))),
      };
    }),
  );

  app.get('/assets/host.js', async (c) => script(c, await bundler.host()));

  app.get('/assets/extension/:file{.+\\.js}', async (c) => {
    const uid = decodeURIComponent(c.req.param('file').replace(/\.js$/, ''));
    const ext = (await readPreviewProject(options.srcDir)).extensions.find((e) => e.uid === uid);
    if (!ext) return c.text(`No extension "${uid}" in ${options.srcDir}`, 404);
    return script(c, bundler.lastExtension(ext.uid, ext.entrypoint) ?? (await bundler.extension(ext.uid, ext.entrypoint)));
  });

  app.post('/api/fetch', async (c) => {
    const envelope = (await c.req.json().catch(() => undefined)) as FetchEnvelope | undefined;
    if (!envelope || typeof envelope.userId !== 'number')
      return c.json({ status: 'error', category: 'VALIDATION_ERROR', message: 'Expected {userId, request}.' }, 400);
    const user = knownPersonas.find((p) => p.id === envelope.userId) ?? (await loadPersonas()).find((p) => p.id === envelope.userId);
    if (!user) return c.json({ status: 'error', category: 'VALIDATION_ERROR', message: `User ${envelope.userId} is not a user of the demo portal.` }, 403);
    return fetchProxy(await readPreviewProject(options.srcDir))(envelope.request, user);
  });

  // Read-only CRM data, as HubSpot's UI hands it to cards (useCrmProperties, useAssociations, useCrmSearch, CRM components).
  app.on(['GET', 'POST'], '/api/hubspot/*', async (c) => {
    const url = new URL(c.req.url);
    const apiPath = url.pathname.slice(`${PREVIEW_PREFIX}/api/hubspot`.length);
    const readOnlyPost = /\/(search|batch\/read)$/.test(apiPath);
    if (!CRM_READ_PATHS.test(apiPath) || (c.req.method === 'POST' && !readOnlyPost)) {
      return c.json({ status: 'error', message: `The preview does not serve ${c.req.method} ${apiPath}.` }, 404);
    }
    const body = c.req.method === 'POST' ? await c.req.text() : undefined;
    if (body !== undefined && body.length > FETCH_LIMITS.maxBytes) return c.json({ status: 'error', message: 'Request body over 1 MB.' }, 413);
    const res = await fetch(`${options.hubspot.url}${apiPath}${url.search}`, {
      method: c.req.method,
      headers: { authorization: `Bearer ${token()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    return new Response(res.body, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' } });
  });

  app.notFound((c) => c.html(notFoundHtml(), 404));
  app.onError((err, c) => {
    options.log.error({ err, path: c.req.path }, 'preview request failed');
    return c.text(`The preview failed: ${err.message}`, 500);
  });

  return { app, stop: () => bundler.dispose() };
}

/** A token of the demo portal for the preview's own reads, issued again before it expires. */
function portalToken(emulator: HubSpotEmulator): () => string {
  let current: { token: string; expiresAt: number } | undefined;
  return () => {
    const now = emulator.clock.now().getTime();
    if (!current || current.expiresAt - now < 60_000) {
      const issued = emulator.issueToken([...emulator.config.scopes, USERS_SCOPE]);
      current = { token: issued.accessToken, expiresAt: now + issued.expiresIn * 1000 };
    }
    return current.token;
  };
}

function script(c: Context, built: { ok: true; code: string } | { ok: false; error: string }) {
  if (built.ok) return c.body(built.code, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
  return c.body(`throw new Error(${JSON.stringify(`The preview could not build this script:\n${built.error}`)});`, 500, {
    'content-type': 'text/javascript; charset=utf-8',
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function shellHtml(appName: string, boot: PreviewBoot): string {
  // `<` is escaped so no string in the data can close the script element.
  const json = JSON.stringify(boot).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(appName)} · local preview</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="root"></div>
<script id="preview-boot" type="application/json">${json}</script>
<script src="${PREVIEW_PREFIX}/assets/host.js"></script>
</body>
</html>`;
}

function notFoundHtml(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · local preview</title></head>
<body><p>There is no such page in the preview. <a href="${PREVIEW_PREFIX}/">Back to the preview index</a>.</p></body></html>`;
}
