// Loads data for a screen and keeps it fresh: `loading` until the first answer for `key`, a retry
// every few seconds while the API is unreachable (so the page recovers by itself), and an optional
// refresh after each answer.
import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { Unreachable } from './api/http';

export const RETRY_MS = 2000;

interface Loaded<T> {
  key: string;
  data?: T;
  error?: unknown;
}

export interface Load<T> {
  data: T | undefined;
  error: unknown;
  /** No answer yet for this key (the first request is in flight). */
  loading: boolean;
  /** Load again now. */
  reload: () => void;
  /** Replace the data after a mutation answered with the new state. */
  setData: (data: T) => void;
}

/**
 * @param key what is loaded; a new key loads anew, `null` loads nothing.
 * @param refreshMs after each answer: milliseconds until the next refresh, or null for none.
 */
export function useLoad<T>(
  key: string | null,
  load: () => Promise<T>,
  refreshMs?: (data: T) => number | null,
): Load<T> {
  const [state, setState] = useState<Loaded<T>>({ key: '' });
  const [generation, setGeneration] = useState(0);
  const fetchNow = useEffectEvent(load);
  const nextRefresh = useEffectEvent((data: T) => refreshMs?.(data) ?? null);

  useEffect(() => {
    if (key === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await fetchNow();
        if (stopped) return;
        setState({ key, data });
        const ms = nextRefresh(data);
        if (ms !== null) timer = setTimeout(run, ms);
      } catch (error) {
        if (stopped) return;
        // Keep what was shown before: a failed refresh does not blank the page.
        setState((s) => ({ key, data: s.key === key ? s.data : undefined, error }));
        if (error instanceof Unreachable) timer = setTimeout(run, RETRY_MS);
      }
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const setData = useCallback((data: T) => setState((s) => ({ key: s.key, data })), []);
  const current = key !== null && state.key === key ? state : undefined;
  return { data: current?.data, error: current?.error, loading: key !== null && !current, reload, setData };
}
