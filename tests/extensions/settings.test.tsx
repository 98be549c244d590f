import { jest } from '@jest/globals';
import {
  Alert,
  Button,
  DateInput,
  ErrorState,
  Input,
  Link,
  LoadingSpinner,
  Select,
  StatisticsItem,
  StatusTag,
  Table,
  Text,
  Tile,
  Toggle,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { Settings } from '../../src/app/settings/Settings';
import { mappingProblem } from '../../src/app/settings/MappingEditor';
import { answer, BACKEND_URL, fakeBackend } from './fake-backend';
import { textOf } from './text';
import { catalog, contactsSync, health, invoicesSync, overview, productsSync } from './settings-fixtures';

type Renderer = ReturnType<typeof createRenderer<'settings'>>;

/** The settings page as an admin (or a colleague) sees it, with the backend replaced at `hubspot.fetch`. */
function renderSettings(routes: Parameters<typeof fakeBackend>[0], variables: Record<string, string> | null = { BACKEND_URL }) {
  const backend = fakeBackend({ 'GET /api/sync-health': () => health({ failures: [] }), ...routes });
  const r = createRenderer('settings');
  const context = { ...r.mocks.context, ...(variables ? { variables } : {}) };
  r.render(<Settings context={context} actions={r.mocks.actions} />);
  return { r, backend };
}

const button = (r: Renderer | ReturnType<Renderer['find']>, text: string) => r.find(Button, (b) => b.text === text);
const maybeButton = (r: Renderer | ReturnType<Renderer['find']>, text: string) => r.maybeFind(Button, (b) => b.text === text);
const loaded = async (r: Renderer) => r.waitFor(() => expect(r.maybeFind(LoadingSpinner, { label: 'Loading settings' })).toBeNull());
const alertTitled = (r: Renderer, title: string) => r.maybeFind(Alert, { title });

afterEach(() => jest.restoreAllMocks());

describe('settings page: loading and errors', () => {
  test('shows a spinner, then the connection and the three syncs; requests name the portal and user of the context', async () => {
    const { r, backend } = renderSettings({ 'GET /api/settings': overview() });
    expect(r.find(LoadingSpinner).props.label).toBe('Loading settings');
    await loaded(r);
    expect(r.findByTestId(StatusTag, 'connection-state').text).toBe('Connected');
    expect(textOf(r.getRootNode())).toContain('Craig’s Design and Landscaping');
    expect(r.findAll(Toggle).map((t) => [t.props.name, t.props.checked])).toEqual([
      ['enabled-contacts', false],
      ['enabled-products', true],
      ['enabled-invoices', false],
    ]);
    expect(backend.calls[0]).toMatchObject({
      method: 'GET',
      path: '/api/settings',
      query: { portalId: String(r.mocks.context.portal.id), userId: String(r.mocks.context.user.id) },
    });
  });

  test('an error body from the backend is shown, and "Try again" reloads', async () => {
    let fail = true;
    const { r } = renderSettings({
      'GET /api/settings': () =>
        fail ? answer(403, { error: 'not_a_member', message: 'HubSpot does not know this user in this HubSpot account.' }) : overview(),
    });
    await r.waitFor(() => expect(r.find(ErrorState).props.title).toBe("Couldn't load the settings"));
    expect(textOf(r.find(ErrorState))).toContain('HubSpot does not know this user in this HubSpot account.');
    fail = false;
    button(r, 'Try again').trigger('onClick');
    expect(r.find(LoadingSpinner).props.label).toBe('Loading settings');
    await r.waitFor(() => expect(r.findByTestId(StatusTag, 'connection-state').text).toBe('Connected'));
    expect(r.maybeFind(ErrorState)).toBeNull();
  });

  test("the HubSpot proxy's wrapper of a backend failure (HTTP 200, status error), a broken body and a failed fetch are all errors", async () => {
    const cases: [unknown, RegExp][] = [
      [
        answer(200, { status: 'error', message: 'Bad gateway', category: 'BAD_GATEWAY', context: { appServerStatusCode: 503 } }),
        /could not answer \(HTTP 503\)/,
      ],
      [new Response('<html>oops</html>', { status: 502 }), /HTTP 502/],
      [new Error('socket hang up'), /Couldn't reach the app's server/],
    ];
    for (const [reply, message] of cases) {
      const { r, backend } = renderSettings({ 'GET /api/settings': () => reply });
      await r.waitFor(() => expect(textOf(r.find(ErrorState))).toMatch(message));
      backend.restore();
    }
  });

  test('without BACKEND_URL in the project profile the page says the app is not set up, and calls nothing', () => {
    const { r, backend } = renderSettings({}, null);
    expect(r.find(ErrorState).props.title).toBe('The app is not set up');
    expect(backend.calls).toEqual([]);
  });
});

describe('settings page: the QuickBooks connection', () => {
  test('not connected: Connect opens the consent in QuickBooks, then refresh shows the connected company', async () => {
    let state = overview({ connection: { state: 'not_connected', companyName: null, realmId: null } });
    const { r, backend } = renderSettings({
      'GET /api/settings': () => state,
      'POST /api/quickbooks/connect': { url: `${BACKEND_URL}/oauth/quickbooks/start?state=abc` },
    });
    await loaded(r);
    expect(r.findByTestId(StatusTag, 'connection-state').props.variant).toBe('default');
    // Syncs that are off cannot be turned on; one that is on can still be turned off.
    expect(r.findAll(Toggle).map((t) => [t.props.name, t.props.readOnly])).toEqual([
      ['enabled-contacts', true],
      ['enabled-products', false],
      ['enabled-invoices', true],
    ]);
    button(r, 'Connect QuickBooks').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Alert, 'consent')).toBeDefined());
    expect(button(r, 'Open QuickBooks').props.href).toEqual({ url: `${BACKEND_URL}/oauth/quickbooks/start?state=abc`, external: true });
    state = overview();
    button(r, "I'm done: refresh").trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(StatusTag, 'connection-state').text).toBe('Connected'));
    expect(backend.callsTo('GET /api/settings')).toHaveLength(2);
  });

  test('needs reconnect: the reason is shown and Reconnect leads through the same consent to the same company', async () => {
    let state = overview({
      connection: { state: 'needs_reconnect', reason: 'QuickBooks refused the saved authorization: reconnect QuickBooks on the app’s settings page.' },
    });
    const { r, backend } = renderSettings({
      'GET /api/settings': () => state,
      'POST /api/quickbooks/connect': { url: `${BACKEND_URL}/oauth/quickbooks/start?state=s2` },
    });
    await loaded(r);
    expect(r.findByTestId(StatusTag, 'connection-state')).toMatchObject({ text: 'Needs reconnect', props: { variant: 'warning' } });
    expect(textOf(r.getRootNode())).toContain('QuickBooks refused the saved authorization');
    expect(button(r, 'Reconnect').props.variant).toBe('primary');
    button(r, 'Reconnect').trigger('onClick');
    await r.waitFor(() => expect(maybeButton(r, 'Open QuickBooks')).not.toBeNull());
    state = overview();
    button(r, "I'm done: refresh").trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(StatusTag, 'connection-state').text).toBe('Connected'));
    expect(r.maybeFindByTestId(Alert, 'company-change')).toBeNull();
    expect(backend.callsTo('POST /api/quickbooks/connect')).toHaveLength(1);
  });

  const changed = () =>
    overview({
      connection: {
        pendingCompanyChange: {
          realmId: '9130354987650001',
          companyName: 'Other Books Ltd',
          currentCompanyName: 'Craig’s Design and Landscaping',
          currentRealmId: '9130',
          startedByUserId: 1,
          expiresAt: '2026-01-15T13:00:00.000Z',
        },
      },
    });

  test('reconnected to another company: the admin is asked to choose, and starting fresh switches company', async () => {
    const fresh = overview({
      connection: { companyName: 'Other Books Ltd', realmId: '9130354987650001', clearingPreviousCompany: true },
      syncs: [contactsSync(), productsSync({ enabled: false, firstSyncCompletedAt: null, linkedRecords: 0 }), invoicesSync()],
    });
    const { r, backend } = renderSettings({ 'GET /api/settings': changed, 'POST /api/quickbooks/company-change/start-fresh': fresh });
    await loaded(r);
    expect(textOf(r.findByTestId(Alert, 'company-change'))).toContain(
      'The app syncs with Craig’s Design and Landscaping, but Other Books Ltd was chosen in QuickBooks',
    );
    expect(textOf(r.getRootNode())).toContain('No record in HubSpot or in either QuickBooks company is changed or deleted');
    r.findByTestId(Button, 'start-fresh').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'company-change')).toBeNull());
    expect(textOf(r.getRootNode())).toContain('Other Books Ltd');
    expect(alertTitled(r, 'Switching companies')).not.toBeNull();
    // The syncs cannot be turned on until the old company's ids are gone.
    expect(r.find(Toggle, { name: 'enabled-products' }).props.readOnly).toBe(true);
    expect(r.mocks.actions.addAlert.calls[0]![0]).toEqual({
      type: 'success',
      message: 'The app now syncs with Other Books Ltd. Turn on the syncs when you are ready.',
    });
    expect(backend.callsTo('POST /api/quickbooks/company-change/start-fresh')).toHaveLength(1);
  });

  test('reconnected to another company: cancel keeps the current one', async () => {
    const { r, backend } = renderSettings({ 'GET /api/settings': changed, 'POST /api/quickbooks/company-change/cancel': overview() });
    await loaded(r);
    r.findByTestId(Button, 'keep-current').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'company-change')).toBeNull());
    expect(textOf(r.getRootNode())).toContain('Craig’s Design and Landscaping');
    expect(backend.callsTo('POST /api/quickbooks/company-change/cancel')).toHaveLength(1);
  });

  test('a colleague who is not a super admin sees the choice but cannot make it', async () => {
    const state = changed();
    state.viewer.canManage = false;
    const { r } = renderSettings({ 'GET /api/settings': state });
    await loaded(r);
    expect(r.maybeFindByTestId(Button, 'start-fresh')).toBeNull();
    expect(textOf(r.getRootNode())).toContain('A super admin must choose.');
  });

  test('disconnect asks first, then stops syncing', async () => {
    let state = overview();
    const { r, backend } = renderSettings({
      'GET /api/settings': () => state,
      'POST /api/quickbooks/disconnect': () => {
        state = overview({ connection: { state: 'not_connected', reason: 'QuickBooks was disconnected on the settings page.' } });
        return state.connection;
      },
    });
    await loaded(r);
    button(r, 'Disconnect').trigger('onClick');
    expect(textOf(r.findByTestId(Alert, 'confirm-disconnect'))).toContain('Links between records are kept');
    button(r, 'Keep connected').trigger('onClick');
    expect(r.maybeFindByTestId(Alert, 'confirm-disconnect')).toBeNull();
    expect(backend.callsTo('POST /api/quickbooks/disconnect')).toHaveLength(0);
    button(r, 'Disconnect').trigger('onClick');
    r.findAll(Button, (b) => b.text === 'Disconnect')
      .at(-1)!
      .trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(StatusTag, 'connection-state').text).toBe('Not connected'));
    expect(backend.callsTo('POST /api/quickbooks/disconnect')).toHaveLength(1);
    expect(r.mocks.actions.addAlert.calls[0]![0]).toEqual({ type: 'success', message: 'QuickBooks is disconnected. Syncing has stopped.' });
  });

  test('a refused change shows the reason', async () => {
    const { r } = renderSettings({
      'GET /api/settings': overview(),
      'POST /api/quickbooks/connect': () =>
        answer(403, { error: 'admin_only', message: 'Only a super admin of this HubSpot account can change the app’s settings.' }),
    });
    await loaded(r);
    button(r, 'Reconnect').trigger('onClick');
    await r.waitFor(() => expect(textOf(alertTitled(r, 'That did not work')!)).toContain('Only a super admin'));
  });
});

describe('settings page: a colleague who is not a super admin', () => {
  test('sees everything read-only: no connect, edit, delete or retry, and the toggles cannot be changed', async () => {
    const { r } = renderSettings({ 'GET /api/settings': overview({ viewer: { canManage: false } }), 'GET /api/sync-health': health() });
    await loaded(r);
    expect(alertTitled(r, 'You can look, not change')).not.toBeNull();
    for (const text of ['Reconnect', 'Disconnect', 'Edit sync settings', 'Delete sync', 'Retry', 'Retry all']) expect(maybeButton(r, text)).toBeNull();
    expect(r.findAll(Toggle).every((t) => t.props.readOnly)).toBe(true);
    await r.waitFor(() => expect(r.findByTestId(Table, 'failures')).toBeDefined());
  });
});

describe('settings page: a sync', () => {
  test('turning a sync on for the first time shows the first-sync preview, then turns it on', async () => {
    const { r, backend } = renderSettings({
      'GET /api/settings': overview(),
      'GET /api/settings/contacts/preview': {
        kind: 'two_way',
        object: 'contacts',
        counts: { matched: 40, createInHubspot: 3, createInQbo: 5, updateHubspot: 2, updateQbo: 1, unchanged: 37, conflicts: 2 },
      },
      'POST /api/settings/contacts/enable': contactsSync({ enabled: true }),
    });
    await loaded(r);
    r.find(Toggle, { name: 'enabled-contacts' }).trigger('onChange', true as never);
    await r.waitFor(() => expect(r.findAll(StatisticsItem)).toHaveLength(4));
    expect(r.findAll(StatisticsItem).map((s) => [s.props.label, s.props.number])).toEqual([
      ['Matched', 40],
      ['To create in HubSpot', 3],
      ['To create in QuickBooks', 5],
      ['Conflicts', 2],
    ]);
    expect(backend.callsTo('POST /api/settings/contacts/enable')).toHaveLength(0);
    button(r, 'Turn on and run the first sync').trigger('onClick');
    await r.waitFor(() => expect(r.find(Toggle, { name: 'enabled-contacts' }).props.checked).toBe(true));
    expect(r.mocks.actions.addAlert.calls[0]![0]).toEqual({ type: 'success', message: 'Contacts ⇄ Customers is on: the first sync has started.' });
  });

  test('the preview can be opened on its own; for invoices it counts invoices', async () => {
    const { r } = renderSettings({
      'GET /api/settings': overview({ syncs: [invoicesSync()] }),
      'GET /api/settings/invoices/preview': {
        kind: 'invoices',
        object: 'invoices',
        counts: { invoices: 9, create: 9, update: 0, withDeal: 6, withoutContact: 1, payments: 4 },
      },
    });
    await loaded(r);
    button(r, 'Preview the first sync').trigger('onClick');
    await r.waitFor(() => expect(r.findAll(StatisticsItem).map((s) => s.props.number)).toEqual([9, 9, 6, 1]));
    button(r, 'Close').trigger('onClick');
    expect(r.findAll(StatisticsItem)).toHaveLength(0);
  });

  test('a synced sync turns off and on again without a preview', async () => {
    const { r, backend } = renderSettings({
      'GET /api/settings': overview(),
      'POST /api/settings/products/disable': productsSync({ enabled: false }),
      'POST /api/settings/products/enable': productsSync({ enabled: true }),
    });
    await loaded(r);
    r.find(Toggle, { name: 'enabled-products' }).trigger('onChange', false as never);
    await r.waitFor(() => expect(r.find(Toggle, { name: 'enabled-products' }).props.checked).toBe(false));
    r.find(Toggle, { name: 'enabled-products' }).trigger('onChange', true as never);
    await r.waitFor(() => expect(r.find(Toggle, { name: 'enabled-products' }).props.checked).toBe(true));
    expect(backend.calls.map((c) => `${c.method} ${c.path}`)).toEqual(
      expect.arrayContaining(['POST /api/settings/products/disable', 'POST /api/settings/products/enable']),
    );
    expect(backend.callsTo('GET /api/settings/products/preview')).toHaveLength(0);
  });

  test('not connected: a sync cannot be turned on, and says why', async () => {
    const { r } = renderSettings({ 'GET /api/settings': overview({ connection: { state: 'not_connected' } }) });
    await loaded(r);
    expect(r.find(Toggle, { name: 'enabled-contacts' }).props.readOnly).toBe(true);
    expect(textOf(r.getRootNode())).toContain('Connect QuickBooks first.');
  });

  test('delete asks first, saying what is forgotten and what is kept', async () => {
    let state = overview();
    const { r, backend } = renderSettings({
      'GET /api/settings': () => state,
      'DELETE /api/settings/products': () => {
        state = overview({ syncs: [contactsSync(), productsSync({ enabled: false, firstSyncCompletedAt: null, linkedRecords: 0 }), invoicesSync()] });
        return answer(204);
      },
    });
    await loaded(r);
    const products = () => r.findByTestId(Tile, 'sync-products');
    products()
      .find(Button, (b) => b.text === 'Delete sync')
      .trigger('onClick');
    const confirm = r.findByTestId(Alert, 'confirm-delete');
    expect(confirm.props.title).toBe('Delete the Products ⇄ Products and Services sync?');
    expect(textOf(confirm)).toContain('which products are linked to which QuickBooks products and services (12 linked records)');
    expect(textOf(confirm)).toContain('Every product in HubSpot and every product and service in QuickBooks stays as it is.');
    button(r, 'Cancel').trigger('onClick');
    expect(backend.callsTo('DELETE /api/settings/products')).toHaveLength(0);
    products()
      .find(Button, (b) => b.text === 'Delete sync')
      .trigger('onClick');
    // The confirmation's own "Delete sync" follows the warning.
    products()
      .findAll(Button, (b) => b.text === 'Delete sync')
      .at(-1)!
      .trigger('onClick');
    await r.waitFor(() => expect(r.find(Toggle, { name: 'enabled-products' }).props.checked).toBe(false));
    expect(backend.callsTo('DELETE /api/settings/products')).toHaveLength(1);
    expect(r.mocks.actions.addAlert.calls[0]![0]).toEqual({ type: 'success', message: 'Products ⇄ Products and Services was deleted.' });
  });
});

describe('settings page: editing a two-way sync', () => {
  const editContacts = async () => {
    const put: unknown[] = [];
    const { r, backend } = renderSettings({
      'GET /api/settings': overview(),
      'GET /api/settings/contacts/fields': catalog,
      'PUT /api/settings/contacts': (call) => {
        put.push(call.body);
        return contactsSync({ settings: call.body as never });
      },
    });
    await loaded(r);
    r.findAll(Button, (b) => b.text === 'Edit sync settings')[0]!.trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Table, 'mappings')).toBeDefined());
    return { r, backend, put };
  };
  const add = (r: Renderer, hubspotProperty: string, qboField: string, direction = 'two_way') => {
    r.find(Select, { name: 'add-hubspot-property' }).trigger('onChange', hubspotProperty as never);
    r.find(Select, { name: 'add-qbo-field' }).trigger('onChange', qboField as never);
    r.find(Select, { name: 'add-direction' }).trigger('onChange', direction as never);
    button(r, 'Add mapping').trigger('onClick');
  };
  const mappingRows = (r: Renderer) =>
    r.findByTestId(Table, 'mappings') &&
    r.findAll(Select, (s) => String(s.props.name).startsWith('direction-')).map((s) => String(s.props.name).slice('direction-'.length));

  test('the mapping table shows each pair; changing a direction and a winner and saving sends the new mapping', async () => {
    const { r, put } = await editContacts();
    expect(mappingRows(r)).toEqual(['email', 'firstname']);
    r.find(Select, { name: 'direction-firstname' }).trigger('onChange', 'to_qbo' as never);
    r.find(Select, { name: 'winner-firstname' }).trigger('onChange', 'qbo' as never);
    r.find(Toggle, { name: 'createInHubspot' }).trigger('onChange', false as never);
    button(r, 'Save').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFind(Select, { name: 'direction-firstname' })).toBeNull());
    expect(put[0]).toEqual({
      mappings: [
        { hubspotProperty: 'email', qboField: 'email', direction: 'two_way', winner: 'hubspot' },
        { hubspotProperty: 'firstname', qboField: 'givenName', direction: 'to_qbo', winner: 'qbo' },
      ],
      createInHubspot: false,
      createInQbo: true,
    });
    expect(r.mocks.actions.addAlert.calls[0]![0]).toEqual({ type: 'success', message: 'Contacts ⇄ Customers settings saved.' });
  });

  test('a custom mapping is added from the real lists, and one is removed', async () => {
    const { r, put } = await editContacts();
    add(r, 'company', 'companyName');
    expect(mappingRows(r)).toEqual(['email', 'firstname', 'company']);
    expect(r.maybeFindByTestId(Alert, 'refused')).toBeNull();
    r.findByTestId(Button, 'remove-firstname').trigger('onClick');
    expect(mappingRows(r)).toEqual(['email', 'company']);
    button(r, 'Save').trigger('onClick');
    await r.waitFor(() => expect(put).toHaveLength(1));
    expect((put[0] as { mappings: { hubspotProperty: string }[] }).mappings.map((m) => m.hubspotProperty)).toEqual(['email', 'company']);
  });

  test('a pair whose types cannot carry each other is refused, with the reason', async () => {
    const { r } = await editContacts();
    add(r, 'num_employees', 'notes');
    expect(textOf(r.findByTestId(Alert, 'refused'))).toBe(
      'QuickBooks\' Notes holds text but HubSpot\'s "Number of employees" holds a number: they cannot be mapped to each other.',
    );
    expect(mappingRows(r)).toEqual(['email', 'firstname']);
    add(r, 'hs_object_id', 'notes');
    expect(textOf(r.findByTestId(Alert, 'refused'))).toContain('HubSpot sets "Record ID" itself');
    add(r, 'hs_lead_status', 'notes');
    expect(textOf(r.findByTestId(Alert, 'refused'))).toContain('set the direction to "To QuickBooks only"');
    add(r, 'hs_lead_status', 'notes', 'to_qbo');
    expect(r.maybeFindByTestId(Alert, 'refused')).toBeNull();
    expect(mappingRows(r)).toEqual(['email', 'firstname', 'hs_lead_status']);
    add(r, 'email', 'companyName');
    expect(textOf(r.findByTestId(Alert, 'refused'))).toBe('"Email" is already mapped.');
  });

  test('the backend refusing the settings shows its problems and keeps the editor open', async () => {
    const { r, backend } = await editContacts();
    backend.route('PUT /api/settings/contacts', () =>
      answer(400, { error: 'invalid_settings', message: 'The settings were not saved.', problems: ['the QuickBooks field email is mapped twice'] }),
    );
    button(r, 'Save').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Alert, 'save-error').props.title).toBe('The settings were not saved.'));
    expect(textOf(r.findByTestId(Alert, 'save-error'))).toBe('the QuickBooks field email is mapped twice');
    expect(r.maybeFind(Select, { name: 'direction-email' })).not.toBeNull();
  });

  test('products: the income account for new items is chosen from QuickBooks', async () => {
    const put: unknown[] = [];
    const { r } = renderSettings({
      'GET /api/settings': overview(),
      'GET /api/settings/products/fields': {
        ...catalog,
        incomeAccounts: [
          { id: '1', name: 'Services' },
          { id: '2', name: 'Sales of Product Income' },
        ],
      },
      'PUT /api/settings/products': (call) => {
        put.push(call.body);
        return productsSync();
      },
    });
    await loaded(r);
    r.findAll(Button, (b) => b.text === 'Edit sync settings')[1]!.trigger('onClick');
    await r.waitFor(() => expect(r.find(Select, { name: 'incomeAccountId' }).props.value).toBe('1'));
    r.find(Select, { name: 'incomeAccountId' }).trigger('onChange', '2' as never);
    button(r, 'Save').trigger('onClick');
    await r.waitFor(() => expect(put).toHaveLength(1));
    expect(put[0]).toMatchObject({ incomeAccountId: '2' });
  });
});

describe('settings page: invoice options', () => {
  const items = [
    { id: '1', name: 'Services' },
    { id: '7', name: 'Consulting hour' },
  ];

  test('the deal field, what a deleted invoice becomes, the first-sync start date and the default item are saved', async () => {
    const put: unknown[] = [];
    const { r } = renderSettings({
      'GET /api/settings': overview({ syncs: [invoicesSync()] }),
      'GET /api/settings/invoices/fields': { hubspotProperties: [], qboFields: [], incomeAccounts: null, items },
      'PUT /api/settings/invoices': (call) => {
        put.push(call.body);
        return invoicesSync({ settings: call.body as never });
      },
    });
    await loaded(r);
    button(r, 'Edit sync settings').trigger('onClick');
    await r.waitFor(() => expect(r.find(Select, { name: 'defaultItemId' }).props.value).toBe(''));
    expect(r.find(Select, { name: 'defaultItemId' }).props.options.map((o) => o.label)).toEqual([
      'None: such a deal is not invoiced',
      'Services',
      'Consulting hour',
    ]);
    r.find(Input, { name: 'dealFieldName' }).trigger('onChange', 'Deal ID' as never);
    r.find(Select, { name: 'onDelete' }).trigger('onChange', 'keep' as never);
    r.find(DateInput, { name: 'firstSyncFrom' }).trigger('onChange', { year: 2025, month: 0, date: 1 } as never);
    r.find(Select, { name: 'defaultItemId' }).trigger('onChange', '7' as never);
    button(r, 'Save').trigger('onClick');
    await r.waitFor(() => expect(put).toHaveLength(1));
    expect(put[0]).toEqual({ dealFieldName: 'Deal ID', onDelete: 'keep', firstSyncFrom: '2025-01-01', defaultItemId: '7' });
  });

  test('the default item can be cleared; without QuickBooks connected it cannot be chosen', async () => {
    const put: unknown[] = [];
    const { r } = renderSettings({
      'GET /api/settings': overview({ syncs: [invoicesSync({ settings: { dealFieldName: 'HubSpot Deal', onDelete: 'archive', defaultItemId: '7' } })] }),
      'GET /api/settings/invoices/fields': { hubspotProperties: [], qboFields: [], incomeAccounts: null, items },
      'PUT /api/settings/invoices': (call) => {
        put.push(call.body);
        return invoicesSync({ settings: call.body as never });
      },
    });
    await loaded(r);
    button(r, 'Edit sync settings').trigger('onClick');
    await r.waitFor(() => expect(r.find(Select, { name: 'defaultItemId' }).props.value).toBe('7'));
    r.find(Select, { name: 'defaultItemId' }).trigger('onChange', '' as never);
    button(r, 'Save').trigger('onClick');
    await r.waitFor(() => expect(put).toHaveLength(1));
    expect(put[0]).toEqual({ dealFieldName: 'HubSpot Deal', onDelete: 'archive' });

    const offline = renderSettings({
      'GET /api/settings': overview({ connection: { state: 'not_connected' }, syncs: [invoicesSync()] }),
      'GET /api/settings/invoices/fields': { hubspotProperties: [], qboFields: [], incomeAccounts: null, items: null },
    }).r;
    await loaded(offline);
    button(offline, 'Edit sync settings').trigger('onClick');
    await offline.waitFor(() => expect(textOf(offline.getRootNode())).toContain('Connect QuickBooks to choose the product or service'));
    expect(offline.maybeFind(Select, { name: 'defaultItemId' })).toBeNull();
  });

  test('the panel shows the direction, the filters and the tax mapping; both ways, the HubSpot → QuickBooks options are edited and saved', async () => {
    const put: unknown[] = [];
    const { r } = renderSettings({
      'GET /api/settings': overview({
        syncs: [
          invoicesSync({
            settings: {
              dealFieldName: 'HubSpot Deal',
              onDelete: 'archive',
              direction: 'both',
              exportStatuses: ['open'],
              exportMinimumAmount: '100',
              taxMapping: [{ hubspotTax: 'VAT 20%', qboTaxCode: '20.0% S' }],
              onOwnedFieldEdit: 'flag',
            },
          }),
        ],
      }),
      'GET /api/settings/invoices/fields': { hubspotProperties: [], qboFields: [], incomeAccounts: null, items },
      'PUT /api/settings/invoices': (call) => {
        put.push(call.body);
        return invoicesSync({ settings: call.body as never });
      },
    });
    await loaded(r);
    const panel = textOf(r.findByTestId(Tile, 'sync-invoices'));
    expect(panel).toContain('Direction: Both ways');
    expect(panel).toContain('HubSpot invoices go to QuickBooks when open, billing at least 100');
    expect(panel).toContain('Tax mapping: VAT 20% → 20.0% S');

    button(r, 'Edit sync settings').trigger('onClick');
    await r.waitFor(() => expect(r.find(Select, { name: 'direction' }).props.value).toBe('both'));
    expect(r.find(Input, { name: 'taxMapping.0.hubspotTax' }).props.value).toBe('VAT 20%');
    button(r, 'Add a tax').trigger('onClick');
    r.find(Input, { name: 'taxMapping.1.hubspotTax' }).trigger('onChange', 'GST' as never);
    r.find(Input, { name: 'taxMapping.1.qboTaxCode' }).trigger('onChange', '5.0% R' as never);
    r.find(Input, { name: 'exportMinimumAmount' }).trigger('onChange', '' as never);
    r.find(Input, { name: 'defaultTaxCode' }).trigger('onChange', '0.0% Z' as never);
    r.find(Select, { name: 'onOwnedFieldEdit' }).trigger('onChange', 'revert' as never);
    button(r, 'Save').trigger('onClick');
    await r.waitFor(() => expect(put).toHaveLength(1));
    expect(put[0]).toEqual({
      dealFieldName: 'HubSpot Deal',
      onDelete: 'archive',
      direction: 'both',
      exportStatuses: ['open'],
      taxMapping: [
        { hubspotTax: 'VAT 20%', qboTaxCode: '20.0% S' },
        { hubspotTax: 'GST', qboTaxCode: '5.0% R' },
      ],
      defaultTaxCode: '0.0% Z',
      onOwnedFieldEdit: 'revert',
    });
  });

  test('QuickBooks → HubSpot only: the HubSpot → QuickBooks options are not offered until the direction includes it', async () => {
    const { r } = renderSettings({
      'GET /api/settings': overview({ syncs: [invoicesSync()] }),
      'GET /api/settings/invoices/fields': { hubspotProperties: [], qboFields: [], incomeAccounts: null, items },
    });
    await loaded(r);
    expect(textOf(r.findByTestId(Tile, 'sync-invoices'))).toContain('Direction: QuickBooks → HubSpot');
    button(r, 'Edit sync settings').trigger('onClick');
    await r.waitFor(() => expect(r.find(Select, { name: 'direction' }).props.value).toBe('to_hubspot'));
    expect(r.maybeFind(Input, { name: 'defaultTaxCode' })).toBeNull();
    r.find(Select, { name: 'direction' }).trigger('onChange', 'to_qbo' as never);
    await r.waitFor(() => expect(r.maybeFind(Input, { name: 'defaultTaxCode' })).not.toBeNull());
  });
});

describe('settings page: sync health', () => {
  test('last runs, failed records by name with a link, retry one, retry all, and dead letters', async () => {
    let current = health({
      deadLetters: [
        { object: 'products', work: 'reconcile', jobs: 2, oldestFailedAt: '2026-01-15T10:00:00.000Z' },
        { object: 'invoices', work: 'workflow_action', jobs: 1, oldestFailedAt: '2026-01-15T11:00:00.000Z' },
      ],
    });
    const { r, backend } = renderSettings({
      'GET /api/settings': overview(),
      'GET /api/sync-health': () => current,
      'POST /api/sync-log/7/retry': () => {
        current = health({ failures: [] });
        return { recordsQueued: 1, jobsRetried: 0 };
      },
      'POST /api/sync-log/retry': { recordsQueued: 0, jobsRetried: 2 },
    });
    await loaded(r);
    await r.waitFor(() =>
      expect(r.find(Link, (l) => l.text === 'Ada Lovelace').props.href).toEqual({ url: 'https://app.hubspot.com/contacts/123/record/0-1/501', external: true }),
    );
    const text = textOf(r.getRootNode());
    expect(text).toContain('Scheduled check');
    expect(text).toContain('2 updated in QuickBooks, 1 failed');
    expect(text).toContain('QuickBooks already has a customer named "Ada Lovelace". Rename one of them.');
    expect(alertTitled(r, 'Products: 2 scheduled-check jobs failed every retry')).not.toBeNull();
    expect(alertTitled(r, 'Invoices: 1 "Create invoice" workflow job failed every retry')).not.toBeNull();

    r.findByTestId(Button, 'retry-7').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Text, 'no-failures').text).toBe('No failed records.'));
    expect(r.mocks.actions.addAlert.calls[0]![0]).toEqual({ type: 'success', message: 'Queued again: 1 record.' });
    expect(backend.callsTo('POST /api/sync-log/7/retry')).toHaveLength(1);

    current = health();
    button(r, 'Refresh').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFindByTestId(Button, 'retry-all')).not.toBeNull());
    r.findByTestId(Button, 'retry-all').trigger('onClick');
    await r.waitFor(() => expect(r.mocks.actions.addAlert.calls).toHaveLength(2));
    expect(r.mocks.actions.addAlert.calls[1]![0]).toEqual({ type: 'success', message: 'Queued again: 0 records and 2 jobs.' });
  });

  test('an error loading the health is shown with a retry', async () => {
    let fail = true;
    const { r } = renderSettings({
      'GET /api/settings': overview(),
      'GET /api/sync-health': () =>
        fail ? answer(503, { error: 'hubspot_unavailable', message: 'HubSpot is temporarily unavailable.' }) : health({ failures: [] }),
    });
    await loaded(r);
    await r.waitFor(() => expect(textOf(alertTitled(r, "Couldn't load the sync health")!)).toContain('HubSpot is temporarily unavailable.'));
    fail = false;
    button(r, 'Try again').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Text, 'no-failures')).toBeDefined());
  });
});

describe('the type check shared with the backend', () => {
  test('matches the backend rules: types per QuickBooks field, dropdowns only towards QuickBooks, read-only never written', () => {
    const m = (hubspotProperty: string, direction: 'two_way' | 'to_qbo' | 'to_hubspot' = 'two_way') => ({
      hubspotProperty,
      qboField: 'notes',
      direction,
      winner: 'hubspot' as const,
    });
    expect(mappingProblem(catalog, m('company'))).toBeUndefined();
    expect(mappingProblem(catalog, m('num_employees'))).toMatch(/cannot be mapped/);
    expect(mappingProblem(catalog, m('hs_lead_status'))).toMatch(/To QuickBooks only/);
    expect(mappingProblem(catalog, m('hs_lead_status', 'to_qbo'))).toBeUndefined();
    expect(mappingProblem(catalog, m('hs_object_id', 'to_hubspot'))).toMatch(/sets "Record ID" itself/);
    expect(mappingProblem(catalog, m('hs_object_id', 'to_qbo'))).toBeUndefined();
  });
});
