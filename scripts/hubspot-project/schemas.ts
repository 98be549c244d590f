/**
 * JSON schemas for the components this app ships, written from HubSpot's docs and the 2025.2/2026.03 templates
 * (hubspot-project-components), because HubSpot serves the real ones only to an authenticated account
 * (`project-components-external/project-schemas/v3/<version>`, fetched by the `translate()` of
 * https://www.npmjs.com/package/@hubspot/project-parsing-lib).
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

/**
 * A custom workflow action's input or output field: the template's `typeDefinition`, with the v4 action-definition
 * model's names for types, field types and option sources (@hubspot/api-client `FieldTypeDefinition`).
 */
const fieldName = { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' } as const;
const TYPE_DEFINITION = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: fieldName,
    type: { enum: ['string', 'number', 'bool', 'datetime', 'enumeration', 'date', 'phone_number', 'currency_number', 'json', 'object_coordinates'] },
    fieldType: { enum: ['booleancheckbox', 'checkbox', 'date', 'file', 'number', 'phonenumber', 'radio', 'select', 'text', 'textarea', 'html'] },
    options: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['value', 'label'],
        additionalProperties: false,
        properties: { value: nonEmptyString, label: nonEmptyString, description: { type: 'string' }, displayOrder: { type: 'integer' } },
      },
    },
    optionsUrl: httpsUrl,
    referencedObjectType: nonEmptyString,
    description: { type: 'string' },
    helpText: { type: 'string' },
    label: { type: 'string' },
  },
  // An enumeration needs its options, listed or fetched.
  if: { properties: { type: { const: 'enumeration' } } },
  then: { anyOf: [{ required: ['options'] }, { required: ['optionsUrl'] }] },
} as const;

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

/**
 * The keys of the 2025.2/2026.03 workflow-action template (hubspot-project-components) and the v4 action-definition
 * model (`outputFields`, `executionRules`, `objectRequestOptions`, `inputFieldDependencies`), nothing else: HubSpot's
 * upload schema has differed from the model before (hubspot-cli issues 1560, 1562), so unknown keys are refused.
 */
const WORKFLOW_ACTION = {
  type: 'object',
  required: ['actionUrl', 'supportedClients', 'labels', 'objectTypes'],
  additionalProperties: false,
  properties: {
    actionUrl: httpsUrl,
    isPublished: { type: 'boolean' },
    supportedClients: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['client'], additionalProperties: false, properties: { client: { enum: ['WORKFLOWS', 'AGENTS'] } } },
    },
    objectTypes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^([A-Z][A-Z_]*|\\d+-\\d+)$' } },
    inputFields: {
      type: 'array',
      items: {
        type: 'object',
        required: ['typeDefinition'],
        additionalProperties: false,
        properties: {
          typeDefinition: TYPE_DEFINITION,
          supportedValueTypes: {
            type: 'array',
            minItems: 1,
            items: { enum: ['STATIC_VALUE', 'OBJECT_PROPERTY', 'FIELD_DATA', 'FETCHED_OBJECT_PROPERTY', 'ENROLLMENT_EVENT_PROPERTY'] },
          },
          isRequired: { type: 'boolean' },
        },
      },
    },
    inputFieldDependencies: {
      type: 'array',
      items: {
        type: 'object',
        required: ['dependencyType', 'controllingFieldName', 'dependentFieldNames'],
        additionalProperties: false,
        properties: {
          dependencyType: { enum: ['SINGLE_FIELD', 'CONDITIONAL_SINGLE_FIELD'] },
          controllingFieldName: fieldName,
          controllingFieldValue: { type: 'string' },
          dependentFieldNames: { type: 'array', minItems: 1, items: fieldName },
        },
      },
    },
    outputFields: {
      type: 'array',
      items: { type: 'object', required: ['typeDefinition'], additionalProperties: false, properties: { typeDefinition: TYPE_DEFINITION } },
    },
    objectRequestOptions: {
      type: 'object',
      required: ['properties'],
      additionalProperties: false,
      properties: { properties: { type: 'array', minItems: 1, uniqueItems: true, items: nonEmptyString } },
    },
    executionRules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['labelName', 'conditions'],
        additionalProperties: false,
        properties: { labelName: fieldName, conditions: { type: 'object', minProperties: 1 } },
      },
    },
    labels: {
      type: 'object',
      required: ['en'],
      propertyNames: { pattern: '^[a-z]{2}(-[a-z]{2})?$' },
      additionalProperties: {
        type: 'object',
        required: ['actionName'],
        additionalProperties: false,
        properties: {
          actionName: nonEmptyString,
          actionDescription: { type: 'string' },
          appDisplayName: { type: 'string' },
          actionCardContent: { type: 'string' },
          inputFieldLabels: stringMap,
          inputFieldDescriptions: stringMap,
          inputFieldOptionLabels: { type: 'object', additionalProperties: stringMap },
          outputFieldLabels: stringMap,
          executionRules: stringMap,
        },
      },
    },
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
          name: fieldName,
          label: nonEmptyString,
          type: { enum: ['string', 'number', 'date', 'enumeration'] },
        },
      },
    },
  },
} as const;

export const componentSchemas = { APPLICATION, WEBHOOKS, CARD, SETTINGS, WORKFLOW_ACTION, APP_EVENT };
