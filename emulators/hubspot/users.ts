import { Hono } from 'hono';
import { objectNotFound, validationError } from './errors';
import { allowQuery, queryInt, type HubSpotEnv } from './http';

/**
 * The portal's users and roles, as the user provisioning API returns them
 * (https://developers.hubspot.com/docs/api-reference/settings-user-provisioning-v3/users/get-settings-v3-users-userId;
 * SDK `settings.users` `PublicUser`, `PublicPermissionSet`). Read-only here: the product only asks who a user is.
 * Required scopes, per the docs: one of `crm.objects.users.read`, `settings.users.read`.
 */
export interface PortalUser {
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
  superAdmin: boolean;
  /** Role (permission set) ids; `roleId` in the API is the first of them. */
  roleIds: string[];
  primaryTeamId?: string;
  secondaryTeamIds: string[];
}

export interface PortalRole {
  id: string;
  name: string;
  requiresBillingWrite: boolean;
}

export interface UserInput {
  email: string;
  firstName?: string;
  lastName?: string;
  superAdmin?: boolean;
  /** A role by name: created on first use. */
  role?: string;
}

const READ_SCOPES = ['settings.users.read', 'crm.objects.users.read'];
/** The list endpoint pages at most 100 users (docs: "Results will display maximum 100 users per page"). */
const MAX_PAGE = 100;

/**
 * `PublicUser` as HubSpot serialises it: `superAdmin` a boolean (the docs' example prints the string "false", the
 * schema and SDK say boolean), `roleId` only when the user has a role, `sendWelcomeEmail` false outside provisioning.
 */
export function toPublicUser(u: PortalUser) {
  return {
    id: u.id,
    email: u.email,
    ...(u.firstName !== undefined ? { firstName: u.firstName } : {}),
    ...(u.lastName !== undefined ? { lastName: u.lastName } : {}),
    ...(u.roleIds[0] !== undefined ? { roleId: u.roleIds[0] } : {}),
    roleIds: u.roleIds,
    ...(u.primaryTeamId !== undefined ? { primaryTeamId: u.primaryTeamId } : {}),
    secondaryTeamIds: u.secondaryTeamIds,
    superAdmin: u.superAdmin,
    sendWelcomeEmail: false,
  };
}

export class PortalUsers {
  readonly users = new Map<string, PortalUser>();
  readonly roles = new Map<string, PortalRole>();
  #nextUserId: number;
  #nextRoleId = 3_900_001;

  constructor(firstUserId: number) {
    this.#nextUserId = firstUserId;
  }

  /** Adds a user with the given id (the installing user) or the next free one. */
  add(input: UserInput, id?: number): PortalUser {
    if ([...this.users.values()].some((u) => u.email.toLowerCase() === input.email.toLowerCase())) {
      throw validationError(`A user with email ${input.email} already exists`);
    }
    const userId = String(id ?? this.#nextUserId++);
    if (id !== undefined && id >= this.#nextUserId) this.#nextUserId = id + 1;
    const user: PortalUser = {
      id: userId,
      email: input.email,
      ...(input.firstName !== undefined ? { firstName: input.firstName } : {}),
      ...(input.lastName !== undefined ? { lastName: input.lastName } : {}),
      superAdmin: input.superAdmin ?? false,
      roleIds: input.role === undefined ? [] : [this.#role(input.role).id],
      secondaryTeamIds: [],
    };
    this.users.set(userId, user);
    return user;
  }

  remove(userId: string): void {
    this.users.delete(userId);
  }

  #role(name: string): PortalRole {
    const existing = [...this.roles.values()].find((r) => r.name === name);
    if (existing) return existing;
    const role: PortalRole = { id: String(this.#nextRoleId++), name, requiresBillingWrite: false };
    this.roles.set(role.id, role);
    return role;
  }

  find(idOrEmail: string, by: 'USER_ID' | 'EMAIL'): PortalUser | undefined {
    if (by === 'USER_ID') return this.users.get(idOrEmail);
    return [...this.users.values()].find((u) => u.email.toLowerCase() === idOrEmail.toLowerCase());
  }
}

export function userRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();

  app.get('/settings/v3/users/roles', (c) => {
    c.get('auth').require(READ_SCOPES);
    allowQuery(c, []);
    return c.json({ results: [...c.get('core').users.roles.values()] });
  });

  app.get('/settings/v3/users/', (c) => {
    c.get('auth').require(READ_SCOPES);
    allowQuery(c, ['limit', 'after']);
    const limit = queryInt(c, 'limit', MAX_PAGE, MAX_PAGE);
    const all = [...c.get('core').users.users.values()].sort((a, b) => Number(a.id) - Number(b.id));
    const after = c.req.query('after');
    const start = after === undefined ? 0 : all.findIndex((u) => u.id === after) + 1;
    if (after !== undefined && start === 0) throw validationError(`Invalid value for after: ${after}`);
    const page = all.slice(start, start + limit);
    const last = page.at(-1);
    const more = last !== undefined && start + limit < all.length;
    return c.json({ results: page.map(toPublicUser), ...(more ? { paging: { next: { after: last.id, link: '' } } } : {}) });
  });

  app.get('/settings/v3/users/:userId', (c) => {
    c.get('auth').require(READ_SCOPES);
    allowQuery(c, ['idProperty']);
    const by = c.req.query('idProperty') ?? 'USER_ID';
    if (by !== 'USER_ID' && by !== 'EMAIL') throw validationError(`Invalid value for idProperty: ${by} (expected USER_ID or EMAIL)`);
    const user = c.get('core').users.find(c.req.param('userId'), by);
    // The body of this 404 is not documented; HubSpot's standard error body with OBJECT_NOT_FOUND, as elsewhere.
    if (!user) throw objectNotFound(`No user ${c.req.param('userId')} in this account`);
    return c.json(toPublicUser(user));
  });

  return app;
}
