/**
 * A settings body without the keys the server owns (when the first sync completed…). They are ignored rather than
 * refused, so a settings page can send back what it read, and a request can never set them.
 */
export function withoutServerOwned(input: unknown, serverOwned: readonly string[]): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([key]) => !serverOwned.includes(key)));
}
