// A value this browser keeps in localStorage as JSON (My orders, the cart): shared by its tabs
// (another tab's change shows at once, through the `storage` event), read back through `parse`
// so that an entry that is damaged or not ours starts afresh instead of failing a screen, and kept
// in memory for this page alone where localStorage cannot be used (a browser's privacy mode).
import { useSyncExternalStore } from 'react';

export interface Stored<T> {
  get: () => T;
  set: (value: T) => void;
  /** The value, re-rendering when it changes (here or in another tab). */
  use: () => T;
}

/** @param parse the value from the stored JSON (anything: check it), or `empty` from nothing. */
export function stored<T>(key: string, parse: (json: unknown) => T, empty: T): Stored<T> {
  const listeners = new Set<() => void>();
  let fallback = empty;
  // The last value read, so that unchanged text is the same value (useSyncExternalStore wants it).
  let cached: { text: string | null; value: T } = { text: null, value: empty };

  const get = (): T => {
    let text: string | null;
    try {
      text = localStorage.getItem(key);
    } catch {
      return fallback;
    }
    if (text !== cached.text) {
      let value = empty;
      try {
        value = text === null ? empty : parse(JSON.parse(text));
      } catch {
        // not JSON: start afresh
      }
      cached = { text, value };
    }
    return cached.value;
  };

  const set = (value: T) => {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      fallback = value;
    }
    listeners.forEach((listener) => listener());
  };

  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    const onStorage = (e: StorageEvent) => (e.key === key || e.key === null) && listener();
    window.addEventListener('storage', onStorage);
    return () => {
      listeners.delete(listener);
      window.removeEventListener('storage', onStorage);
    };
  };

  return { get, set, use: () => useSyncExternalStore(subscribe, get) };
}
