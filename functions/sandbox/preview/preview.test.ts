import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PUBLIC_URL, startHarness, type Harness } from '../../../tests/helpers/harness';
import { silentLogger } from '../../log';
import type { PreviewBoot } from './boot';
import { emulatorPersonas, toPersona } from './personas';
import { createPreview, type Preview } from './preview';
import { readPreviewProject } from './project';

/** The preview server without a browser: what it reads from a project, what it serves, and what it refuses. */
const FIXTURE_SRC = path.resolve(import.meta.dirname, '../../../tests/fixtures/preview-project/src');

const bootOf = async (res: Response): Promise<PreviewBoot> => {
  const html = await res.text();
  const json = /<script id="preview-boot" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
  if (!json) throw new Error(`no boot data in:\n${html}`);
  return JSON.parse(json) as PreviewBoot;
};

describe('the project the preview reads', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'preview-project-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('every card and the settings page, with entry points and object types; permitted origins from every profile', async () => {
    const project = await readPreviewProject(FIXTURE_SRC);
    expect(project.appName).toBe('Preview fixture app');
    expect(project.permittedFetchOrigins).toEqual(['https://fixture-backend.example.com']);
    expect(project.problems).toEqual([]);
    expect(project.extensions).toEqual([
      {
        uid: 'fixture_deal_card',
        kind: 'card',
        title: 'Fixture invoices',
        location: 'crm.record.tab',
        entrypoint: path.join(FIXTURE_SRC, 'app/cards/FixtureDealCard.tsx'),
        objectTypeIds: ['0-3'],
      },
      {
        uid: 'fixture_settings',
        kind: 'settings',
        title: 'Settings',
        location: 'settings',
        entrypoint: path.join(FIXTURE_SRC, 'app/settings/FixtureSettings.tsx'),
        objectTypeIds: [],
      },
    ]);
  });

  test('a project with no extensions yet is not an error; a broken hsmeta file is reported, not skipped silently', async () => {
    expect(await readPreviewProject(dir)).toEqual({ appName: 'Your app', permittedFetchOrigins: [], extensions: [], problems: [] });
    await mkdir(path.join(dir, 'app/cards'), { recursive: true });
    await writeFile(path.join(dir, 'app/cards/broken-hsmeta.json'), '{ not json');
    await writeFile(
      path.join(dir, 'app/cards/odd-hsmeta.json'),
      JSON.stringify({
        uid: 'odd',
        type: 'card',
        config: { name: 'Odd', location: 'crm.record.tab', entrypoint: '/app/cards/Odd.tsx', objectTypes: ['spaceships'] },
      }),
    );
    const project = await readPreviewProject(dir);
    expect(project.problems).toEqual([
      expect.stringMatching(/^app\/cards\/broken-hsmeta\.json: /),
      'app/cards/odd-hsmeta.json: the preview cannot show object type "spaceships"',
    ]);
  });
});

describe('persona list', () => {
  test("HubSpot's users become personas; a super admin may manage apps", () => {
    expect(toPersona({ id: '42', email: 'sam.rep@example.com', superAdmin: false, roleIds: ['9'] })).toEqual({
      id: 42,
      email: 'sam.rep@example.com',
      firstName: 'Sam.rep',
      lastName: '',
      superAdmin: false,
      roleIds: ['9'],
    });
    expect(toPersona({ id: '1', email: 'a@b.c', firstName: 'Ada', lastName: 'Admin', superAdmin: true, roleId: '3' })).toMatchObject({
      firstName: 'Ada',
      superAdmin: true,
      roleIds: ['3'],
    });
  });
});

describe('preview server', () => {
  let h: Harness;
  let preview: Preview;
  let srcDir: string;
  let deal: string;

  beforeAll(async () => {
    h = await startHarness();
    deal = h.hubspot.emulator.seed({ deals: [{ properties: { dealname: 'Engine retrofit', amount: '1500' } }] }).deals[0]!.id;
    await h.connect();
    srcDir = await mkdtemp(path.join(tmpdir(), 'preview-src-'));
    await mkdir(path.join(srcDir, 'app/cards'), { recursive: true });
    await writeFile(
      path.join(srcDir, 'app/cards/card-hsmeta.json'),
      JSON.stringify({
        uid: 'broken_card',
        type: 'card',
        config: { name: 'Broken', location: 'crm.record.tab', entrypoint: '/app/cards/Broken.tsx', objectTypes: ['deals'] },
      }),
    );
    await writeFile(path.join(srcDir, 'app/cards/Broken.tsx'), 'export const x = <div>;\n');
    preview = createPreview({ srcDir, backendUrl: PUBLIC_URL, hubspot: { emulator: h.hubspot.emulator, url: h.hubspot.info.url }, log: silentLogger });
  });
  afterAll(async () => {
    await preview.stop();
    await h.stop();
    await rm(srcDir, { recursive: true, force: true });
  });

  test('the backend on its own (live mode) serves no preview', async () => {
    expect((await h.runtime.app.request(`${PUBLIC_URL}/preview/`)).status).toBe(404);
  });

  test("the personas are the portal's users from HubSpot's users API: the installing user is a super admin", async () => {
    const personas = emulatorPersonas(
      { url: h.hubspot.info.url, accessToken: () => h.hubspot.emulator.issueToken().accessToken, fallback: { id: 5, email: 'fallback@example.com' } },
      silentLogger,
    );
    expect(await personas()).toEqual([
      { id: h.hubspot.emulator.config.userId, email: h.hubspot.emulator.config.userEmail, firstName: 'Admin', lastName: '', superAdmin: true, roleIds: [] },
    ]);
    const boot = await bootOf(await preview.app.request('/preview/'));
    expect(boot.personas.map((p) => [p.id, p.superAdmin])).toEqual([[h.hubspot.emulator.config.userId, true]]);
  });

  test("a card that does not build shows esbuild's message on the record page instead of a blank card", async () => {
    const boot = await bootOf(await preview.app.request(`/preview/records/0-3/${deal}`));
    expect(boot.view.kind).toBe('record');
    const [card] = boot.view.kind === 'record' ? boot.view.extensions : [];
    expect(card?.scriptUrl).toBeUndefined();
    expect(card?.buildError).toMatch(/\[ERROR\] Unexpected end of file[\s\S]*Broken\.tsx:1:18/);
    expect(card?.context).toMatchObject({
      location: 'crm.record.tab',
      crm: { objectId: Number(deal), objectTypeId: '0-3' },
      variables: { BACKEND_URL: PUBLIC_URL },
    });
  });

  test('an unknown record, a user outside the portal, and CRM writes are refused', async () => {
    expect((await preview.app.request('/preview/records/0-3/999999')).status).toBe(404);
    const stranger = await preview.app.request('/preview/api/fetch', {
      method: 'POST',
      body: JSON.stringify({ userId: 999, request: { url: `${PUBLIC_URL}/api/settings` } }),
    });
    expect(stranger.status).toBe(403);
    const create = await preview.app.request('/preview/api/hubspot/crm/v3/objects/deals', {
      method: 'POST',
      body: JSON.stringify({ properties: { dealname: 'x' } }),
    });
    expect(create.status).toBe(404);
    const read = await preview.app.request(`/preview/api/hubspot/crm/v3/objects/deals/${deal}?properties=dealname`);
    expect(((await read.json()) as { properties: { dealname: string } }).properties.dealname).toBe('Engine retrofit');
  });
});
