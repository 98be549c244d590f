import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './backend';

export type Resource<T> = { status: 'loading' } | { status: 'success'; data: T } | { status: 'error'; error: ApiError };

const asApiError = (err: unknown) => (err instanceof ApiError ? err : new ApiError(0, 'unexpected', err instanceof Error ? err.message : String(err)));

/**
 * Data from the backend as a typed state: `loading | success | error`, with `reload()` and `replace()` for an answer
 * that already carries the new state (a save returns the saved object). A late answer for a superseded load is dropped.
 */
export function useResource<T>(load: (() => Promise<T>) | undefined): { state: Resource<T>; reload: () => void; replace: (data: T) => void } {
  const [state, setState] = useState<Resource<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!load) return undefined;
    let current = true;
    setState({ status: 'loading' });
    load().then(
      (data) => current && setState({ status: 'success', data }),
      (err: unknown) => current && setState({ status: 'error', error: asApiError(err) }),
    );
    return () => {
      current = false;
    };
    // `load` is a new function on every render; the generation counter is what asks for a new load.
  }, [generation]);

  return {
    state,
    reload: useCallback(() => setGeneration((g) => g + 1), []),
    replace: useCallback((data: T) => setState({ status: 'success', data }), []),
  };
}

/** Runs a change against the backend and reports how it went; `error` is the last failure until the next run. */
export function useAction<A extends unknown[], T>(
  run: (...args: A) => Promise<T>,
): {
  busy: boolean;
  error: ApiError | undefined;
  perform: (...args: A) => Promise<T | undefined>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const perform = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      return await run(...args);
    } catch (err) {
      setError(asApiError(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, perform };
}
