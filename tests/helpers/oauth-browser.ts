import { PUBLIC_URL, type Harness } from './harness';

interface Cookie {
  origin: string;
  path: string;
  value: string;
}

/**
 * A person's browser for OAuth round trips: follows redirects one by one (recording each address), keeps the cookies
 * each origin sets (name, path, Max-Age=0 deletes), and sends them back where they apply. Requests to the backend's
 * public origin go to the in-process app; everything else (the emulators' consent screens) over real HTTP.
 */
export class ConsentBrowser {
  readonly visited: string[] = [];
  readonly #h: Harness;
  readonly #cookies = new Map<string, Cookie>();

  constructor(h: Harness) {
    this.#h = h;
  }

  /** Opens `url` and follows up to `follow` redirects; the response after the last one followed is returned. */
  async open(url: string, follow = 10): Promise<Response> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const res = await this.#request(current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location || hop === follow) return res;
      current = new URL(location, current).toString();
      this.visited.push(current);
    }
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name)?.value;
  }

  async #request(url: string): Promise<Response> {
    const target = new URL(url);
    const cookies = [...this.#cookies]
      .filter(([, c]) => c.origin === target.origin && target.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`);
    const headers: Record<string, string> = cookies.length > 0 ? { cookie: cookies.join('; ') } : {};
    const res =
      target.origin === new URL(PUBLIC_URL).origin ? await this.#h.runtime.app.request(url, { headers }) : await fetch(url, { headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
      const [name = '', value = ''] = pair.split('=');
      const attr = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.split('=')[1];
      if (value === '' || attr('max-age') === '0') this.#cookies.delete(name);
      else this.#cookies.set(name, { origin: target.origin, path: attr('path') ?? '/', value });
    }
    return res;
  }
}
