import { ManualClock } from '../../shared/clock';
import { HubSpotEmulator } from '../emulator';
import { HubSpotError } from '../errors';

const actor = { changeSource: 'CRM_UI' };

describe('HubSpot emulator transactions', () => {
  test('a failed transaction puts back what it wrote and created, and sends no webhook', async () => {
    const delivered: string[] = [];
    const emu = new HubSpotEmulator({
      clock: new ManualClock('2026-01-15T12:00:00.000Z'),
      autoDeliverWebhooks: false,
      fetch: async (_url, init) => {
        delivered.push(String(init?.body));
        return new Response(null, { status: 204 });
      },
    });
    const ada = emu.records.create('contacts', { email: 'ada@example.com', city: 'Oslo' }, actor);
    emu.setWebhookTarget({ url: 'https://app.test/webhooks' });
    const before = structuredClone(ada);
    const idsBefore = [...emu.state.records.contacts.keys()];
    expect(() =>
      emu.transaction(() => {
        emu.records.update('contacts', ada.id, { city: 'Bergen' }, actor);
        emu.records.create('contacts', { email: 'grace@example.com' }, actor);
        emu.records.archive('contacts', ada.id, actor);
        throw new HubSpotError(400, { message: 'refused', category: 'VALIDATION_ERROR' });
      }),
    ).toThrow('refused');
    expect(emu.state.records.contacts.get(ada.id)).toBe(ada);
    expect(ada).toEqual(before);
    expect([...emu.state.records.contacts.keys()]).toEqual(idsBefore);
    expect(emu.records.create('contacts', { email: 'grace@example.com' }, actor).id).toBe(String(Number(ada.id) + 1));
    await emu.flushWebhooks();
    expect(delivered.join()).not.toContain('Bergen');
    expect(delivered.join()).not.toContain('contact.deletion');
    emu.records.update('contacts', ada.id, { city: 'Bergen' }, actor);
    await emu.flushWebhooks();
    expect(delivered.join()).toContain('Bergen');
  });

  test('an update is refused a unique value another record holds, whatever the record already holds', () => {
    const emu = new HubSpotEmulator({ clock: new ManualClock('2026-01-15T12:00:00.000Z') });
    const ada = emu.records.create('contacts', { email: 'ada@example.com' }, actor);
    const grace = emu.records.create('contacts', { email: 'grace@example.com' }, actor);
    expect(() => emu.records.update('contacts', grace.id, { email: 'ADA@example.com' }, actor)).toThrow(`Contact already exists. Existing ID: ${ada.id}`);
    expect(emu.records.update('contacts', grace.id, { email: 'grace@example.com', city: 'Oslo' }, actor).properties.city).toBe('Oslo');
  });
});
