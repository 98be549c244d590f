import { Hono } from 'hono';
import { createHubSpotEmulator, type HubSpotEmulator } from '../../emulators/hubspot/emulator';
import type { StartedHubSpotEmulator } from '../../emulators/hubspot/start';
import { listen, type RunningServer } from '../../emulators/shared/serve';

/** Portal B: another HubSpot account that installed the same app (same app id and client secret as portal A). */
export const PORTAL_B = { portalId: 77_001, userId: 5_100_001, userEmail: 'owner@portal-b.test' } as const;

/**
 * HubSpot as the backend sees it when two portals installed the app: one API origin, and each request answered by
 * the portal its OAuth token belongs to (as HubSpot does: a token names one portal). Portal A is the harness's
 * emulator; portal B a second emulator on the same clock. Requests with no token of B's go to A.
 */
export class TwoPortals {
  portalB: HubSpotEmulator | undefined;
  #server: RunningServer | undefined;

  /** For `startHarness({ hubspotApiUrl })`: starts portal B and the front door, and returns the front door's URL. */
  readonly frontDoor = async (portalA: StartedHubSpotEmulator): Promise<string> => {
    const a = portalA.emulator;
    const b = createHubSpotEmulator({ clock: a.clock, autoDeliverWebhooks: false, ...PORTAL_B });
    this.portalB = b;
    const owner = async (req: Request): Promise<HubSpotEmulator> => {
      const path = new URL(req.url).pathname;
      const bearer = /^Bearer (.+)$/i.exec(req.headers.get('authorization') ?? '')?.[1];
      if (bearer !== undefined) return b.state.accessTokens.has(bearer) ? b : a;
      if (path.startsWith('/oauth/v1/access-tokens/')) return b.state.accessTokens.has(decodeURIComponent(path.split('/').pop() ?? '')) ? b : a;
      if (path === '/oauth/v1/token') {
        const refresh = new URLSearchParams(await req.clone().text()).get('refresh_token');
        return refresh !== null && b.state.refreshTokens.has(refresh) ? b : a;
      }
      return a;
    };
    const app = new Hono().all('*', async (c) => (await owner(c.req.raw)).app.fetch(c.req.raw));
    this.#server = await listen(app);
    return this.#server.url;
  };

  get b(): HubSpotEmulator {
    if (!this.portalB) throw new Error('portal B starts with the harness (pass frontDoor as hubspotApiUrl)');
    return this.portalB;
  }

  async close(): Promise<void> {
    await this.#server?.close();
  }
}
