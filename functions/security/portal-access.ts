import type { HubSpotClient } from '../hubspot/client';
import type { Connection } from '../store/connections';

/** Who is using the settings page or the deal card, as HubSpot itself confirmed it. */
export interface Viewer {
  userId: number;
  email: string;
  superAdmin: boolean;
  /** May change settings, connect, reconnect, disconnect and delete syncs. Everyone else may only read. */
  canManage: boolean;
}

/** Long enough to spare HubSpot a call per click, short enough that a removed user or demoted admin loses access soon. */
export const MEMBERSHIP_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Confirms, with HubSpot's users API and the portal's own token, that the user a signed request names belongs to the
 * portal it names (https://developers.hubspot.com/docs/api-reference/settings-user-provisioning-v3/users/get-settings-v3-users-userId:
 * another portal's user is a 404 there). Answers, yes or no, are kept briefly per portal and user.
 *
 * Managing the app is for super admins. HubSpot names a finer permission for it ("App Marketplace Access", which
 * super admins always have: https://developers.hubspot.com/changelog/new-permission-requirements-for-installing-public-apps;
 * `integrations-management-write` in a UI extension's user context), but no public API tells a backend who holds it:
 * the users API returns only `superAdmin` and role ids. The extension's own context is not evidence (the user can
 * put anything in a request they sign through HubSpot), so the server grants management to super admins only.
 */
export class PortalAccess {
  readonly #now: () => Date;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { viewer: Viewer | undefined; until: number }>();

  constructor(now: () => Date, ttlMs = MEMBERSHIP_TTL_MS) {
    this.#now = now;
    this.#ttlMs = ttlMs;
  }

  /** The user as a member of the connection's portal, or undefined when HubSpot says they are not one. */
  async viewer(connection: Connection, userId: number, hubspot: () => HubSpotClient): Promise<Viewer | undefined> {
    const key = `${connection.hubspotPortalId}:${userId}`;
    const now = this.#now().getTime();
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.until > now) return cached.viewer;
    const user = await hubspot().user(userId);
    const viewer = user === undefined ? undefined : { userId, email: user.email, superAdmin: user.superAdmin, canManage: user.superAdmin };
    this.#cache.delete(key);
    this.#cache.set(key, { viewer, until: now + this.#ttlMs });
    if (this.#cache.size > MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
    return viewer;
  }
}
