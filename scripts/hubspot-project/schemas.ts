/**
 * JSON schemas for the components this app ships, written from HubSpot's docs and the 2025.2/2026.03 templates
 * (hubspot-project-components), because HubSpot serves the real ones only to an authenticated account
 * (`project-components-external/project-schemas/v3/<version>`; see shared/reference/hubspot-platform.md §5).
 * Keyed by the parser's internal component type.
 */
const httpsUrl = { type: 'string', pattern: '^https://[^\\s/$.?#].[^\\s]*$' } as const;
const nonEmptyString = { type: 'string', minLength: 1 } as const;

const APPLICATION = {
  type: 'object',
  required: ['name', 'distribution', 'auth'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^\\S(.*\\S)?$' },
    description: { type: 'string', maxLength: 8192 },
    distribution: { enum: ['marketplace', 'private'] },
    logo: { type: 'string' },
    variables: { type: 'object' },
    auth: {
      type: 'object',
      required: ['type', 'redirectUrls', 'requiredScopes'],
      additionalProperties: false,
      properties: {
        type: { enum: ['oauth', 'static'] },
        redirectUrls: { type: 'array', items: { type: 'string', format: 'uri' } },
        requiredScopes: { type: 'array', minItems: 1, uniqueItems: true, items: nonEmptyString, contains: { const: 'oauth' } },
        optionalScopes: { type: 'array', uniqueItems: true, items: nonEmptyString },
        conditionallyRequiredScopes: { type: 'array', uniqueItems: true, items: nonEmptyString },
      },
    },
    permittedUrls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        fetch: { type: 'array', items: httpsUrl },
        iframe: { type: 'array', items: httpsUrl },
        img: { type: 'array', items: httpsUrl },
      },
    },
    support: {
      type: 'object',
      required: ['supportEmail'],
      properties: {
        supportEmail: { type: 'string', format: 'email' },
        documentationUrl: httpsUrl,
        supportUrl: httpsUrl,
        supportPhone: { type: 'string' },
      },
    },
  },
  // AGENTS.md (2025.2 defaultFiles): a marketplace app must use OAuth.
  if: { properties: { distribution: { const: 'marketplace' } } },
  then: { properties: { auth: { properties: { type: { const: 'oauth' } } } } },
} as const;

const WEBHOOKS = {
  type: 'object',
  required: ['settings', 'subscriptions'],
  additionalProperties: false,
  properties: {
    settings: {
      type: 'object',
      required: ['targetUrl'],
      additionalProperties: false,
      properties: {
        targetUrl: httpsUrl,
        // Webhooks guide: maxConcurrentRequests must be greater than 5.
        maxConcurrentRequests: { type: 'integer', minimum: 6 },
      },
    },
    subscriptions: {
      type: 'object',
      additionalProperties: false,
      properties: {
        crmObjects: {
          type: 'array',
          items: {
            type: 'object',
            required: ['subscriptionType', 'objectType', 'active'],
            additionalProperties: false,
            properties: {
              subscriptionType: {
                enum: ['object.creation', 'object.propertyChange', 'object.deletion', 'object.merge', 'object.restore', 'object.associationChange'],
              },
              objectType: nonEmptyString,
              propertyName: nonEmptyString,
              active: { type: 'boolean' },
            },
            if: { properties: { subscriptionType: { const: 'object.propertyChange' } } },
            then: { required: ['propertyName'] },
            else: { not: { required: ['propertyName'] } },
          },
        },
        legacyCrmObjects: { type: 'array', items: { type: 'object', required: ['subscriptionType', 'active'] } },
        hubEvents: { type: 'array', items: { type: 'object', required: ['subscriptionType', 'active'] } },
      },
    },
  },
} as const;

/**
 * A card (2025.2/2026.03 `card-hsmeta.json` template; dev-server `UnifiedCardConfig`): the locations UI extensions
 * offer (`ExtensionPointLocation`), object types by their plural API names, an optional preview image.
 */
const CARD = {
  type: 'object',
  required: ['name', 'location', 'entrypoint', 'objectTypes'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string' },
    location: { enum: ['crm.record.tab', 'crm.record.sidebar', 'crm.preview', 'helpdesk.sidebar'] },
    entrypoint: { type: 'string', pattern: '^/app/cards/[^/]+\\.(tsx|jsx)$' },
    objectTypes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[a-z_]+$|^p_[A-Za-z0-9_]+$|^\\d-\\d+$' } },
    previewImage: { type: 'object', required: ['file'], additionalProperties: false, properties: { file: nonEmptyString, altText: { type: 'string' } } },
  },
} as const;

/** The app's one settings page (2025.2/2026.03 `settings-hsmeta.json` template): only its entry file. */
const SETTINGS = {
  type: 'object',
  required: ['entrypoint'],
  additionalProperties: false,
  properties: { entrypoint: { type: 'string', pattern: '^/app/settings/[^/]+\\.(tsx|jsx)$' } },
} as const;

const WORKFLOW_ACTION = {
  type: 'object',
  required: ['actionUrl', 'supportedClients', 'labels', 'objectTypes'],
  properties: {
    actionUrl: httpsUrl,
    isPublished: { type: 'boolean' },
    supportedClients: { type: 'array', minItems: 1, items: { type: 'object', required: ['client'] } },
    labels: { type: 'object', required: ['en'] },
    objectTypes: { type: 'array', minItems: 1, items: nonEmptyString },
  },
} as const;

const APP_EVENT = {
  type: 'object',
  required: ['name', 'objectType', 'headerTemplate', 'properties'],
  properties: {
    name: nonEmptyString,
    objectType: { enum: ['CONTACT', 'COMPANY', 'DEAL', 'TICKET'] },
    headerTemplate: nonEmptyString,
    detailTemplate: { type: 'string' },
    properties: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'label', 'type'],
        properties: {
          name: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' },
          label: nonEmptyString,
          type: { enum: ['string', 'number', 'date', 'enumeration'] },
        },
      },
    },
  },
} as const;

export const componentSchemas = { APPLICATION, WEBHOOKS, CARD, SETTINGS, WORKFLOW_ACTION, APP_EVENT };
