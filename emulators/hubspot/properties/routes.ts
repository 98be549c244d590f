import { Hono } from 'hono';
import { z } from 'zod';
import { conflict, HubSpotError, objectNotFound, validationError } from '../errors';
import { allowQuery, parseBody, queryBool, readJson, type HubSpotEnv } from '../http';
import { requireObjectType, type ObjectTypeName } from '../objects/types';
import { toApiProperty, VALID_FIELD_TYPES, type PropertyDefinition, type PropertyType } from './definitions';

/**
 * Properties API (`/crm/v3/properties/{objectType}`; https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide):
 * read, create property groups and properties. Types and fieldTypes are validated as pairs (docs "Property type and
 * fieldType values"); names are lowercase internal names.
 */
const optionSchema = z.strictObject({
  label: z.string().min(1),
  value: z.string().min(1),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean().optional(),
  description: z.string().optional(),
});

const propertyCreateSchema = z.strictObject({
  name: z.string(),
  label: z.string().min(1),
  type: z.enum(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']),
  fieldType: z.string(),
  groupName: z.string(),
  description: z.string().optional(),
  options: z.array(optionSchema).optional(),
  displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  calculationFormula: z.string().optional(),
  externalOptions: z.boolean().optional(),
  referencedObjectType: z.string().optional(),
  dataSensitivity: z.enum(['non_sensitive', 'sensitive', 'highly_sensitive']).optional(),
});

const propertyUpdateSchema = propertyCreateSchema.omit({ name: true, hasUniqueValue: true }).partial();

const groupCreateSchema = z.strictObject({ name: z.string(), label: z.string().min(1), displayOrder: z.number().int().optional() });

const NAME = /^[a-z][a-z0-9_]*$/;

/** Scopes that allow reading/writing property definitions of a type: the schema scopes or the object scopes. */
const readScopes = (t: ObjectTypeName) => [`crm.schemas.${t}.read`, `crm.objects.${t}.read`, ...(t === 'products' ? ['e-commerce'] : [])];
const writeScopes = (t: ObjectTypeName) => [`crm.schemas.${t}.write`, ...(t === 'products' ? ['e-commerce'] : [])];

export function propertyRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  const typeOf = (raw: string) => requireObjectType(raw).name;

  app.get('/crm/v3/properties/:objectType/groups', (c) => {
    const type = typeOf(c.req.param('objectType'));
    c.get('auth').require(readScopes(type));
    allowQuery(c, []);
    return c.json({ results: [...c.get('core').state.groups[type].values()].filter((g) => !g.archived) });
  });

  app.get('/crm/v3/properties/:objectType/groups/:groupName', (c) => {
    const type = typeOf(c.req.param('objectType'));
    c.get('auth').require(readScopes(type));
    const g = c.get('core').state.groups[type].get(c.req.param('groupName'));
    if (!g || g.archived) throw objectNotFound(`Unable to find property group ${c.req.param('groupName')} for ${type}`);
    return c.json(g);
  });

  app.post('/crm/v3/properties/:objectType/groups', async (c) => {
    const type = typeOf(c.req.param('objectType'));
    c.get('auth').require(writeScopes(type));
    allowQuery(c, []);
    const body = parseBody(groupCreateSchema, await readJson(c));
    if (!NAME.test(body.name))
      throw validationError(`Property group name ${body.name} must be lowercase letters, digits and underscores, starting with a letter`);
    const groups = c.get('core').state.groups[type];
    if (groups.get(body.name)?.archived === false) throw conflict(`A property group named ${body.name} already exists`);
    const group = { name: body.name, label: body.label, displayOrder: body.displayOrder ?? -1, archived: false };
    groups.set(body.name, group);
    return c.json(group, 201);
  });

  app.get('/crm/v3/properties/:objectType', (c) => {
    const type = typeOf(c.req.param('objectType'));
    c.get('auth').require(readScopes(type));
    allowQuery(c, ['archived', 'properties', 'dataSensitivity', 'locale']);
    const archived = queryBool(c, 'archived');
    const all = [...c.get('core').state.properties[type].values()].filter((p) => p.archived === archived);
    return c.json({ results: all.map(toApiProperty) });
  });

  app.get('/crm/v3/properties/:objectType/:propertyName', (c) => {
    const type = typeOf(c.req.param('objectType'));
    c.get('auth').require(readScopes(type));
    allowQuery(c, ['archived', 'properties', 'locale']);
    const p = c.get('core').state.properties[type].get(c.req.param('propertyName'));
    if (!p || p.archived !== queryBool(c, 'archived')) {
      throw objectNotFound(`Unable to find property ${c.req.param('propertyName')} for object type ${type}`);
    }
    return c.json(toApiProperty(p));
  });

  app.post('/crm/v3/properties/:objectType', async (c) => {
    const type = typeOf(c.req.param('objectType'));
    c.get('auth').require(writeScopes(type));
    allowQuery(c, []);
    const emu = c.get('core');
    const body = parseBody(propertyCreateSchema, await readJson(c));
    if (!NAME.test(body.name)) throw validationError(`Property name ${body.name} must be lowercase letters, digits and underscores, starting with a letter`);
    checkFieldType(body.type, body.fieldType);
    if (!emu.state.groups[type].get(body.groupName) || emu.state.groups[type].get(body.groupName)?.archived) {
      throw validationError(`Property group ${body.groupName} does not exist for ${type}`);
    }
    if (body.type === 'enumeration' && (body.options ?? []).length === 0 && !body.externalOptions && body.fieldType !== 'booleancheckbox') {
      throw validationError(`Enumeration property ${body.name} needs at least one option`);
    }
    const existing = emu.state.properties[type].get(body.name);
    // Duplicate names fail; 409 CONFLICT is the expected status (HubSpot documents neither the status nor the body).
    if (existing && !existing.archived) throw conflict(`A property named '${body.name}' already exists.`);
    const now = emu.clock.now().toISOString();
    const def: PropertyDefinition = {
      name: body.name,
      label: body.label,
      type: body.type,
      fieldType: body.fieldType,
      groupName: body.groupName,
      description: body.description ?? '',
      options: (body.options ?? []).map((o, i) => ({
        label: o.label,
        value: o.value,
        displayOrder: o.displayOrder ?? i,
        hidden: o.hidden ?? false,
        ...(o.description ? { description: o.description } : {}),
      })),
      displayOrder: body.displayOrder ?? -1,
      hasUniqueValue: body.hasUniqueValue ?? false,
      hidden: body.hidden ?? false,
      formField: body.formField ?? false,
      hubspotDefined: false,
      calculated: body.fieldType === 'calculation_equation',
      externalOptions: body.externalOptions ?? false,
      readOnlyValue: body.fieldType === 'calculation_equation',
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
    emu.state.properties[type].set(def.name, def);
    return c.json(toApiProperty(def), 201);
  });

  app.patch('/crm/v3/properties/:objectType/:propertyName', async (c) => {
    const type = typeOf(c.req.param('objectType'));
    c.get('auth').require(writeScopes(type));
    allowQuery(c, []);
    const emu = c.get('core');
    const body = parseBody(propertyUpdateSchema, await readJson(c));
    const p = emu.state.properties[type].get(c.req.param('propertyName'));
    if (!p || p.archived) throw objectNotFound(`Unable to find property ${c.req.param('propertyName')} for object type ${type}`);
    if (p.hubspotDefined && (body.type !== undefined || body.fieldType !== undefined)) {
      throw new HubSpotError(400, { message: `The definition of HubSpot-defined property ${p.name} is read-only`, category: 'VALIDATION_ERROR' });
    }
    checkFieldType(body.type ?? p.type, body.fieldType ?? p.fieldType);
    Object.assign(p, {
      ...(body.label !== undefined ? { label: body.label } : {}),
      ...(body.type !== undefined ? { type: body.type } : {}),
      ...(body.fieldType !== undefined ? { fieldType: body.fieldType } : {}),
      ...(body.groupName !== undefined ? { groupName: body.groupName } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.hidden !== undefined ? { hidden: body.hidden } : {}),
      ...(body.options !== undefined
        ? { options: body.options.map((o, i) => ({ label: o.label, value: o.value, displayOrder: o.displayOrder ?? i, hidden: o.hidden ?? false })) }
        : {}),
      updatedAt: emu.clock.now().toISOString(),
    });
    return c.json(toApiProperty(p));
  });

  app.delete('/crm/v3/properties/:objectType/:propertyName', (c) => {
    const type = typeOf(c.req.param('objectType'));
    c.get('auth').require(writeScopes(type));
    const p = c.get('core').state.properties[type].get(c.req.param('propertyName'));
    if (!p || p.archived) throw objectNotFound(`Unable to find property ${c.req.param('propertyName')} for object type ${type}`);
    if (p.hubspotDefined) throw validationError(`HubSpot-defined property ${p.name} cannot be archived`);
    p.archived = true;
    return c.body(null, 204);
  });

  return app;
}

function checkFieldType(type: PropertyType, fieldType: string) {
  if (!VALID_FIELD_TYPES[type].includes(fieldType)) {
    throw validationError(`Invalid fieldType ${fieldType} for property type ${type}; allowed: ${VALID_FIELD_TYPES[type].join(', ')}`, [
      { message: `fieldType ${fieldType} is not valid for type ${type}`, code: 'INVALID_FIELD_TYPE', context: { fieldType: [fieldType], type: [type] } },
    ]);
  }
}
