import type { Clock } from '../shared/clock';
import { DEFAULT_CURRENCIES, setPortalCurrencies, type PortalCurrencies } from './currencies';
import { defaultPropertyDefinitions, defaultPropertyGroups, type PropertyDefinition, type PropertyGroup } from './properties/definitions';
import { OBJECT_TYPE_NAMES, type ObjectTypeName } from './objects/types';
import { defaultDealPipelines, type Pipeline } from './pipelines';

/** One value in `propertiesWithHistory` (SDK `ValueWithTimestamp`). */
export interface HistoryEntry {
  value: string;
  timestamp: string;
  sourceType: string;
  sourceId?: string;
  updatedByUserId?: number;
}

export interface CrmRecord {
  id: string;
  type: ObjectTypeName;
  properties: Record<string, string>;
  /** Newest first, as HubSpot returns `propertiesWithHistory`. */
  history: Record<string, HistoryEntry[]>;
  createdAt: Date;
  updatedAt: Date;
  archived: boolean;
  archivedAt?: Date;
}

/** Who made a change: drives property history `sourceType`/`sourceId` and webhook `changeSource`/`sourceId`. */
export interface ChangeActor {
  changeSource: string;
  sourceId?: string;
  userId?: number;
}

export interface AccessToken {
  token: string;
  refreshToken: string;
  scopes: string[];
  userId: number;
  user: string;
  expiresAt: number;
}

export interface RefreshToken {
  token: string;
  scopes: string[];
  userId: number;
  user: string;
  revoked: boolean;
}

export interface AuthCode {
  code: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

/** An association edge in one direction, with the association types on it. */
export interface AssociationEdge {
  fromType: ObjectTypeName;
  fromId: string;
  toType: ObjectTypeName;
  toId: string;
  typeIds: Set<number>;
}

export interface EmulatorState {
  records: Record<ObjectTypeName, Map<string, CrmRecord>>;
  properties: Record<ObjectTypeName, Map<string, PropertyDefinition>>;
  groups: Record<ObjectTypeName, Map<string, PropertyGroup>>;
  pipelines: Map<string, Pipeline>;
  currencies: PortalCurrencies;
  associations: Map<string, AssociationEdge>;
  accessTokens: Map<string, AccessToken>;
  refreshTokens: Map<string, RefreshToken>;
  authCodes: Map<string, AuthCode>;
  nextId: number;
}

const perType = <T>(make: (t: ObjectTypeName) => T) => Object.fromEntries(OBJECT_TYPE_NAMES.map((t) => [t, make(t)])) as Record<ObjectTypeName, T>;

export function createState(clock: Clock): EmulatorState {
  const state: EmulatorState = {
    records: perType(() => new Map()),
    properties: perType((t) => new Map(defaultPropertyDefinitions(t).map((p) => [p.name, p]))),
    groups: perType((t) => new Map(defaultPropertyGroups(t).map((g) => [g.name, g]))),
    pipelines: new Map(defaultDealPipelines(clock.now()).map((p) => [p.id, p])),
    currencies: DEFAULT_CURRENCIES,
    associations: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    authCodes: new Map(),
    // HubSpot record ids are large numbers sent as strings (see the examples in
    // https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis); a high start keeps them realistic.
    nextId: 10_000_000_001,
  };
  setPortalCurrencies(state, DEFAULT_CURRENCIES);
  return state;
}

export function nextRecordId(state: EmulatorState): string {
  const id = state.nextId;
  state.nextId += 1;
  return String(id);
}
