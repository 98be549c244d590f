import type { Context } from 'hono';

/**
 * The URL a provider signed: our public origin (PUBLIC_URL, or the sandbox's own) plus the path and query as
 * received. Behind a proxy or load balancer `c.req.url` carries the internal host, which no signature covers.
 */
export function signedUrl(c: Context, publicUrl: string): string {
  const received = new URL(c.req.url);
  return `${publicUrl.replace(/\/+$/, '')}${received.pathname}${received.search}`;
}
