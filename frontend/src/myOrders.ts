// The orders placed in this browser ("My orders"): an order's id is the customer's credential for
// it (issue 16), so the ids are kept in localStorage (they outlive the tab, unlike the admin
// token), newest first, at most MY_ORDERS_MAX, and each order is read by its id. Another tab's
// changes show at once (see stored.ts).
import { stored } from './stored';

/** How many ids are remembered; the oldest are forgotten past that. */
export const MY_ORDERS_MAX = 100;

const ids = stored<readonly string[]>(
  'myOrders',
  (json) => (Array.isArray(json) ? json.filter((id): id is string => typeof id === 'string').slice(0, MY_ORDERS_MAX) : []),
  [],
);

/** The remembered ids, newest first. */
export const myOrderIds = ids.get;

/** Remembers an order just placed (again first if it was already there, as after a replay). */
export function rememberOrder(id: string) {
  ids.set([id, ...ids.get().filter((known) => known !== id)].slice(0, MY_ORDERS_MAX));
}

/** Forgets an order (one the shop no longer knows). */
export function forgetOrder(id: string) {
  ids.set(ids.get().filter((known) => known !== id));
}

export const useMyOrderIds = ids.use;
