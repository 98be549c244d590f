import { Client } from '@hubspot/api-client';
import type { PublicUser } from '@hubspot/api-client/lib/codegen/settings/users/models/PublicUser';
import type { Logger } from '../../log';
import type { Persona } from './boot';

export type { Persona };

/**
 * Who the person using the preview is, in HubSpot's terms: a user of the demo portal. The list is the portal's
 * users from HubSpot's users API (https://developers.hubspot.com/docs/api/settings/user-provisioning), so a super
 * admin and a sales rep without admin rights each see what HubSpot would show them, and the backend's identity and
 * permission checks see that user on every signed request.
 */
export type PersonaSource = () => Promise<Persona[]>;

export interface EmulatorUsers {
  url: string;
  /** A current token of the portal that may read its users. */
  accessToken: () => string;
  /** The user the emulator's tokens were issued to: the persona offered while the portal lists no users. */
  fallback: { id: number; email: string };
}

/**
 * The portal's users, read through the official client. An emulator without the users API (404) or with no users
 * yields the configured user as the only persona, a super admin, with a warning that says why.
 */
export function emulatorPersonas(source: EmulatorUsers, log: Logger): PersonaSource {
  let warned = false;
  const fallback = (reason: string): Persona[] => {
    if (!warned) log.warn({ reason }, 'preview: only the configured HubSpot user can be chosen');
    warned = true;
    return [toPersona({ id: String(source.fallback.id), email: source.fallback.email, superAdmin: true })];
  };
  return async () => {
    const client = new Client({ accessToken: source.accessToken(), basePath: source.url, numberOfApiCallRetries: 0 });
    const users: PublicUser[] = [];
    try {
      let after: string | undefined;
      do {
        const page = await client.settings.users.usersApi.getPage(100, after);
        users.push(...page.results);
        after = page.paging?.next?.after;
      } while (after !== undefined);
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 404) return fallback('the HubSpot emulator has no users API (GET /settings/v3/users)');
      throw err;
    }
    return users.length > 0 ? users.map(toPersona) : fallback('the demo portal lists no users');
  };
}

export function toPersona(user: Pick<PublicUser, 'id' | 'email'> & Partial<PublicUser>): Persona {
  const [local = user.email] = user.email.split('@');
  return {
    id: Number(user.id),
    email: user.email,
    firstName: user.firstName ?? capitalize(local),
    lastName: user.lastName ?? '',
    superAdmin: user.superAdmin ?? false,
    roleIds: user.roleIds ?? (user.roleId ? [user.roleId] : []),
  };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
