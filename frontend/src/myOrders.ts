// The orders placed in this browser ("My orders"): an order's id is the customer's credential for
// it (issue 16), so the ids are kept in localStorage (they outlive the tab, unlike the admin
// token), newest first, at most MY_ORDERS_MAX, and each order is read by its id. Another tab's
// changes show at once (the `storage` event).
import { useSyncExternalStore } from 'react';

const KEY = 'myOrders';
/** How many ids are remembered; the oldest are forgotten past that. */
export const MY_ORDERS_MAX = 100;

const listeners = new Set<() => void>();
/** Where localStorage cannot be used (a browser's privacy mode): for this page only. */
let fallback: readonly string[] = [];
/** The last list read, so that an unchanged one is the same array (useSyncExternalStore). */
let cached: { text: string | null; ids: readonly string[] } = { text: null, ids: [] };

function parse(text: string | null): readonly string[] {
  try {
    const value: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string').slice(0, MY_ORDERS_MAX) : [];
  } catch {
    return []; // not ours, or damaged: start afresh rather than fail the screen
  }
}

/** The remembered ids, newest first. */
export function myOrderIds(): readonly string[] {
  let text: string | null;
  try {
    text = localStorage.getItem(KEY);
  } catch {
    return fallback;
  }
  if (text !== cached.text) cached = { text, ids: parse(text) };
  return cached.ids;
}

function save(ids: readonly string[]) {
  try {
    localStorage.setItem(KEY, JSON.stringify(ids));
  } catch {
    fallback = ids;
  }
  listeners.forEach((listener) => listener());
}

/** Remembers an order just placed (again first if it was already there, as after a replay). */
export function rememberOrder(id: string) {
  save([id, ...myOrderIds().filter((known) => known !== id)].slice(0, MY_ORDERS_MAX));
}

/** Forgets an order (one the shop no longer knows). */
export function forgetOrder(id: string) {
  save(myOrderIds().filter((known) => known !== id));
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => (e.key === KEY || e.key === null) && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function useMyOrderIds(): readonly string[] {
  return useSyncExternalStore(subscribe, myOrderIds);
}
