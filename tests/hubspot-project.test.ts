import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateHubSpotProject } from '../scripts/hubspot-project/validate';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The HubSpot project, checked offline by HubSpot's own parser (@hubspot/project-parsing-lib translate). */
describe('HubSpot project', () => {
  test.each(['prod', 'staging'])('is valid with the %s profile, with the backend URL filled in', async (profile) => {
    const { components } = await validateHubSpotProject(ROOT, profile);
    expect(components.map((c) => [c.type, c.uid])).toEqual(
      expect.arrayContaining([
        ['APPLICATION', 'qbo_for_hubspot'],
        ['WEBHOOKS', 'qbo_sync_webhooks'],
      ]),
    );
    const backend = JSON.parse(await readFile(path.join(ROOT, `src/hsprofile.${profile}.json`), 'utf8')).variables.BACKEND_URL;
    const webhooks = components.find((c) => c.type === 'WEBHOOKS')!;
    expect(webhooks.config).toMatchObject({ settings: { targetUrl: `${backend}/webhooks/hubspot` } });
    // The deal-timeline payment events
    // (https://developers.hubspot.com/docs/apps/developer-platform/add-features/app-events/reference): app-event
    // components attached to deals.
    const appEvents = components.filter((c) => c.type === 'APP_EVENT');
    expect(appEvents.map((c) => c.uid).sort()).toEqual(['payment_changed', 'payment_received', 'payment_reversed']);
    for (const e of appEvents) expect(e.config).toMatchObject({ objectType: 'DEAL', headerTemplate: expect.stringContaining('{{amount}}') });
    // The "Create invoice" action: deal workflows, its endpoint on the backend, the deal
    // properties it needs sent with each execution, and a rule with a message for each way it can fail.
    const action = components.find((c) => c.type === 'WORKFLOW_ACTION')!;
    expect(action.uid).toBe('create_invoice');
    expect(action.config).toMatchObject({
      actionUrl: `${backend}/workflow-actions/create-invoice`,
      objectTypes: ['DEAL'],
      supportedClients: [{ client: 'WORKFLOWS' }],
      objectRequestOptions: { properties: expect.arrayContaining(['dealname', 'deal_currency_code']) },
    });
    const outputs = (action.config.outputFields as { typeDefinition: { name: string } }[]).map((f) => f.typeDefinition.name);
    expect(outputs).toEqual(
      expect.arrayContaining(['qboInvoiceId', 'qboInvoiceNumber', 'qboInvoiceLink', 'qboInvoiceStatus', 'qboInvoiceTotal', 'qboInvoiceCurrency', 'errorCode']),
    );
    const app = components.find((c) => c.type === 'APPLICATION')!;
    expect(app.config).toMatchObject({ permittedUrls: { fetch: [backend] }, auth: { redirectUrls: [`${backend}/oauth/hubspot/callback`] } });
    expect((app.config as { auth: { requiredScopes: string[] } }).auth.requiredScopes).toContain('settings.users.read');
    // The deal card, on the deal record's tab (the sidebar offers almost no components), and the one settings page.
    expect(components.find((c) => c.type === 'CARD')).toEqual({
      uid: 'qbo_deal_invoices',
      type: 'CARD',
      config: expect.objectContaining({ location: 'crm.record.tab', objectTypes: ['deals'], entrypoint: '/app/cards/DealInvoicesCard.tsx' }),
    });
    expect(components.find((c) => c.type === 'SETTINGS')).toEqual({
      uid: 'qbo_settings',
      type: 'SETTINGS',
      config: { entrypoint: '/app/settings/SettingsPage.tsx' },
    });
  });

  describe('a broken copy fails', () => {
    let copy: string;
    beforeEach(async () => {
      copy = await mkdtemp(path.join(tmpdir(), 'hs-project-'));
      await cp(path.join(ROOT, 'hsproject.json'), path.join(copy, 'hsproject.json'));
      await cp(path.join(ROOT, 'src'), path.join(copy, 'src'), { recursive: true });
    });
    afterEach(() => rm(copy, { recursive: true, force: true }));

    const edit = async (file: string, change: (json: Record<string, any>) => void) => {
      const full = path.join(copy, 'src', file);
      const json = JSON.parse(await readFile(full, 'utf8'));
      change(json);
      await writeFile(full, JSON.stringify(json));
    };

    test('a misplaced hsmeta file (HubSpot would skip it silently)', async () => {
      await cp(path.join(copy, 'src/app/webhooks/webhooks-hsmeta.json'), path.join(copy, 'src/webhooks-hsmeta.json'));
      await expect(validateHubSpotProject(copy, 'prod')).rejects.toThrow(/skip/);
    });

    test('a component in the wrong folder', async () => {
      await edit('app/webhooks/webhooks-hsmeta.json', (j) => {
        j.type = 'settings';
      });
      await expect(validateHubSpotProject(copy, 'prod')).rejects.toThrow(/incorrect for type/);
    });

    test('a marketplace app without OAuth, and a plain-http fetch origin', async () => {
      await edit('app/app-hsmeta.json', (j) => {
        j.config.auth.type = 'static';
        j.config.permittedUrls.fetch = ['http://localhost:3000'];
      });
      await expect(validateHubSpotProject(copy, 'prod')).rejects.toThrow(
        /config\.auth\.type: must be equal to constant[\s\S]*config\.permittedUrls\.fetch\.0: must match pattern/,
      );
    });

    test('a second settings page, and a card without object types or with a key HubSpot does not know', async () => {
      await cp(path.join(copy, 'src/app/settings/settings-hsmeta.json'), path.join(copy, 'src/app/settings/other-hsmeta.json'));
      await edit('app/settings/other-hsmeta.json', (j) => {
        j.uid = 'other_settings';
      });
      await edit('app/cards/deal-invoices-hsmeta.json', (j) => {
        delete j.config.objectTypes;
        j.config.height = 400;
      });
      await expect(validateHubSpotProject(copy, 'prod')).rejects.toThrow(/Only one settings component is allowed/);
      await rm(path.join(copy, 'src/app/settings/other-hsmeta.json'));
      await expect(validateHubSpotProject(copy, 'prod')).rejects.toThrow(/Missing required field: 'config\.objectTypes'[\s\S]*additionalProperty: height/);
    });

    test('a card whose entry file is missing', async () => {
      await edit('app/cards/deal-invoices-hsmeta.json', (j) => {
        j.config.entrypoint = '/app/cards/Missing.tsx';
      });
      await expect(validateHubSpotProject(copy, 'prod')).rejects.toThrow(/qbo_deal_invoices: the entry file app\/cards\/Missing\.tsx does not exist/);
    });

    test('extension code importing from outside its folder, an undeclared package, CRM components on the settings page', async () => {
      const entry = path.join(copy, 'src/app/settings/SettingsPage.tsx');
      await writeFile(
        entry,
        `import { Client } from '@hubspot/api-client';\nimport { CrmPropertyList } from '@hubspot/ui-extensions/crm';\nimport { helper } from '../cards/format';\n${await readFile(entry, 'utf8')}`,
      );
      const error = await validateHubSpotProject(copy, 'prod').catch((e: Error) => e);
      expect(String(error)).toMatch(
        /qbo_settings: app\/settings\/SettingsPage\.tsx imports @hubspot\/api-client, which app\/settings\/package\.json does not declare/,
      );
      expect(String(error)).toMatch(/imports CRM components, which the settings page cannot use/);
      expect(String(error)).toMatch(/imports \.\.\/cards\/format, outside its extension folder/);
    });

    test('an extension that does not pin the exact versions', async () => {
      await edit('app/cards/package.json', (j) => {
        j.dependencies.react = '^18.2.0';
      });
      await expect(validateHubSpotProject(copy, 'prod')).rejects.toThrow(/must pin react at exactly 18\.3\.1 \(found \^18\.2\.0\)/);
    });

    test('a workflow action with a key outside the template and the v4 model, an enumeration without options, and an unknown client', async () => {
      await edit('app/workflow-actions/create-invoice-hsmeta.json', (j) => {
        j.config.outputField = j.config.outputFields;
        delete j.config.inputFields[4].typeDefinition.options;
        j.config.supportedClients = [{ client: 'SEQUENCES' }];
      });
      const failure = validateHubSpotProject(copy, 'prod');
      await expect(failure).rejects.toThrow(
        /create-invoice-hsmeta\.json:\s+- config: must NOT have additional properties\s+- {2}additionalProperty: outputField/,
      );
      await expect(failure).rejects.toThrow(/Missing required field: 'config\.inputFields\.4\.typeDefinition\.options'/);
      await expect(failure).rejects.toThrow(/config\.supportedClients\.0\.client: must be equal to one of the allowed values/);
    });

    test('a workflow action whose rule has no message, whose message shows an undeclared output, and whose label names a missing input', async () => {
      await edit('app/workflow-actions/create-invoice-hsmeta.json', (j) => {
        delete j.config.labels.en.executionRules.noContact;
        j.config.labels.en.executionRules.qboValidation = 'QuickBooks said {{ qboFault }}';
        j.config.labels.en.inputFieldLabels.discount = 'Discount';
      });
      const failure = validateHubSpotProject(copy, 'prod');
      await expect(failure).rejects.toThrow(/create-invoice-hsmeta\.json: execution rule noContact has no label in labels\.en/);
      await expect(failure).rejects.toThrow(/execution rule qboValidation shows \{\{qboFault\}\}, which is not an output field/);
      await expect(failure).rejects.toThrow(/labels\.en names input field discount, which is not declared/);
    });

    test('a property-change subscription without its property, and a bad uid', async () => {
      await edit('app/webhooks/webhooks-hsmeta.json', (j) => {
        delete j.config.subscriptions.crmObjects[1].propertyName;
        j.uid = 'has spaces!';
      });
      await expect(validateHubSpotProject(copy, 'prod')).rejects.toThrow(
        /'uid' should use only[\s\S]*Missing required field: 'config\.subscriptions\.crmObjects\.1\.propertyName'/,
      );
    });
  });
});
