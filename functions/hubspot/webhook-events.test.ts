import { HubSpotWebhookParseError, parseHubSpotWebhook } from './webhook-events';

// The first event verbatim from https://developers.hubspot.com/docs/faq/v1-request-validation, the second a generic event
// (https://developers.hubspot.com/docs/apps/legacy-apps/public-apps/create-generic-webhook-subscriptions).
const SAMPLE = `[ { "eventId": 1, "subscriptionId": 12345, "portalId": 62515, "occurredAt": 1564113600000,
    "subscriptionType": "contact.creation", "attemptNumber": 0, "objectId": 123,
    "changeSource": "CRM", "changeFlag": "NEW", "appId": 54321 },
  { "eventId": 3816279340, "subscriptionId": 25, "portalId": 33, "appId": 1160452, "occurredAt": 1462216307945,
    "subscriptionType": "object.propertyChange", "objectTypeId": "0-1", "attemptNumber": 0, "objectId": 1246965,
    "propertyName": "lifecyclestage", "propertyValue": "subscriber", "changeSource": "CRM_UI", "sourceId": "userId:1" } ]`;

const event = (over: Record<string, unknown>) => ({
  eventId: 7,
  subscriptionId: 1,
  portalId: 62515,
  appId: 1,
  occurredAt: 1_700_000_000_000,
  attemptNumber: 0,
  objectId: 55,
  ...over,
});

describe('parseHubSpotWebhook', () => {
  it('maps the documented sample payloads', () => {
    expect(parseHubSpotWebhook(SAMPLE)).toEqual([
      {
        eventKey: '62515:contact.creation:123::1564113600000:1',
        portalId: 62515,
        objectType: 'contacts',
        objectId: '123',
        kind: 'created',
        changeSource: 'CRM',
        occurredAt: new Date(1564113600000),
      },
      {
        eventKey: '33:object.propertyChange:1246965:lifecyclestage:1462216307945:3816279340',
        portalId: 33,
        objectType: 'contacts',
        objectId: '1246965',
        kind: 'changed',
        propertyName: 'lifecyclestage',
        propertyValue: 'subscriber',
        changeSource: 'CRM_UI',
        sourceId: 'userId:1',
        occurredAt: new Date(1462216307945),
      },
    ]);
  });

  it('maps object.* type ids and legacy prefixes to object types and every subscription kind', () => {
    const body = JSON.stringify([
      event({ subscriptionType: 'object.creation', objectTypeId: '0-7' }),
      event({ subscriptionType: 'object.deletion', objectTypeId: '0-3' }),
      event({ subscriptionType: 'object.restore', objectTypeId: '0-2' }),
      event({ subscriptionType: 'product.propertyChange', propertyName: 'price', propertyValue: '10' }),
      event({ subscriptionType: 'deal.deletion' }),
      event({ subscriptionType: 'contact.privacyDeletion' }),
      event({ subscriptionType: 'contact.merge', primaryObjectId: 55, mergedObjectIds: [56, 57], newObjectId: 55, numberOfPropertiesMoved: 3 }),
      event({
        subscriptionType: 'object.associationChange',
        objectTypeId: '0-3',
        objectId: undefined,
        fromObjectId: 9,
        toObjectId: 10,
        associationType: 'DEAL_TO_LINE_ITEM',
        associationRemoved: false,
      }),
      event({ subscriptionType: 'conversation.newMessage', messageId: 'm1' }),
    ]);
    expect(parseHubSpotWebhook(body).map((c) => [c.objectType, c.kind, c.objectId, c.mergedObjectIds])).toEqual([
      ['products', 'created', '55', undefined],
      ['deals', 'deleted', '55', undefined],
      ['other', 'restored', '55', undefined],
      ['products', 'changed', '55', undefined],
      ['deals', 'deleted', '55', undefined],
      ['contacts', 'deleted', '55', undefined],
      ['contacts', 'merged', '55', ['56', '57']],
      ['deals', 'associationChanged', '9', undefined],
    ]);
  });

  it('gives duplicates of one event the same key and distinct events (same eventId) different keys', () => {
    const a = event({ subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'x@y.z' });
    const [k1, k2, k3] = parseHubSpotWebhook(JSON.stringify([a, { ...a, attemptNumber: 1 }, { ...a, propertyName: 'firstname' }])).map((c) => c.eventKey);
    expect(k1).toBe(k2);
    expect(k3).not.toBe(k1);
  });

  it.each([
    ['not JSON', '{"eventId":', /not JSON/],
    ['an object instead of an array', JSON.stringify(event({ subscriptionType: 'contact.creation' })), /expected array/],
    ['a string objectId', JSON.stringify([event({ subscriptionType: 'contact.creation', objectId: '55' })]), /objectId/],
    ['a missing portalId', JSON.stringify([event({ subscriptionType: 'contact.creation', portalId: undefined })]), /portalId/],
    ['more than 100 events', JSON.stringify(Array.from({ length: 101 }, () => event({ subscriptionType: 'contact.creation' }))), /100/],
    ['an object.* event without objectTypeId', JSON.stringify([event({ subscriptionType: 'object.creation' })]), /objectTypeId/],
  ])('throws a clear error for %s', (_, body, message) => {
    expect(() => parseHubSpotWebhook(body)).toThrow(HubSpotWebhookParseError);
    expect(() => parseHubSpotWebhook(body)).toThrow(message);
  });
});
