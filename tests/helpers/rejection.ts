/** The error a promise rejects with, checked to be of the expected class; resolving is a test failure. */
export async function rejection<E extends Error>(p: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  const outcome = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof type)) throw new Error(`expected a ${type.name}, got ${outcome === undefined ? 'success' : String(outcome)}`);
  return outcome;
}
