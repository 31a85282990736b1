// Server state is TanStack Query's: one QueryClient for the app, the rules every query follows,
// and the keys that name what is cached (so that a change can refresh or rewrite what it touched).
import { QueryClient, queryOptions, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback } from 'react';
import { Unreachable } from './api/client';
import type { Page } from './api/client';
import { getInventoryConfig, getProduct, listProducts, type Product } from './api/inventory';
import { getPaymentConfig, type Order } from './api/payments';
import { removeItem, replaceItem } from './paging';
import type { Limits } from './validation';

/** While an API is unreachable, a load is tried again this often, until it answers. */
export const RETRY_MS = 2000;

/** What is cached, by key: a change invalidates a prefix (`['products']`: every product list). */
export const keys = {
  products: ['products'] as const,
  productPages: ['products', 'pages'] as const,
  /** The catalogue's first page of `limit`: the checkout's picker. */
  productsFirst: (limit: number) => ['products', 'first', limit] as const,
  productsFirstAny: ['products', 'first'] as const,
  product: (id: string) => ['products', 'one', id] as const,
  /** A product's ledger, in pages (its dialog). */
  ledger: (id: string) => ['ledger', id] as const,
  consumerStats: ['operations', 'stats'] as const,
  consumerHealth: ['operations', 'health'] as const,
  deadLetters: (stream: string) => ['operations', 'dead-letters', stream] as const,
  inventoryConfig: ['config', 'inventory'] as const,
  paymentConfig: ['config', 'payments'] as const,
  orders: ['orders'] as const,
  allOrders: ['orders', 'all'] as const,
  order: (id: string) => ['orders', 'one', id] as const,
} satisfies Record<string, QueryKey | ((...args: never[]) => QueryKey)>;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // An API that cannot be reached (or answers 503) is retried until it is back, so that a
        // screen recovers by itself; any other error (404, 401, 422) is an answer, shown at once.
        retry: (_count, error) => error instanceof Unreachable,
        retryDelay: RETRY_MS,
        // Screens refresh on their own timers (README: Screens); a focus brings no extra reads.
        refetchOnWindowFocus: false,
      },
      // A change is never repeated behind the person's back: a retry is theirs (Buy again, with
      // the same Idempotency-Key).
      mutations: { retry: false },
    },
  });
}

/** The catalogue's first page of `limit` products (its `next` says whether there are more). */
export const productsFirstQuery = (limit: number) =>
  queryOptions({ queryKey: keys.productsFirst(limit), queryFn: () => listProducts(limit) });

/** While the checkout shows a product (chosen, pasted or in the cart), it is read again this often,
 * so that what is available stays current. */
export const PRODUCT_REFRESH_MS = 5000;

/** One product by id (a pasted id, a cart line the picker does not list), read again every
 * PRODUCT_REFRESH_MS, but not after a 404: the shop does not know it (any more). */
export const productQuery = (id: string) =>
  queryOptions({
    queryKey: keys.product(id),
    queryFn: () => getProduct(id),
    refetchInterval: (query) => (query.state.status === 'error' ? false : PRODUCT_REFRESH_MS),
  });

/**
 * What a 409 `insufficient_stock` said is available of each short product, shown at once where
 * the checkout reads products (the picker's list, the products read by id), then the catalogue
 * read again. A read in flight, from before the refusal, is dropped so that it cannot bring back
 * the old numbers.
 */
export async function stockSeen(queryClient: QueryClient, available: ReadonlyMap<string, number>) {
  const seen = (p: Product): Product => (available.has(p.id) ? { ...p, available: available.get(p.id)! } : p);
  await queryClient.cancelQueries({ queryKey: keys.products });
  queryClient.setQueriesData<Page<Product>>({ queryKey: keys.productsFirstAny }, (d) => d && { ...d, items: d.items.map(seen) });
  for (const id of available.keys()) queryClient.setQueryData<Product>(keys.product(id), (p) => p && seen(p));
  void queryClient.invalidateQueries({ queryKey: keys.products });
}

/** The limits of the inventory's GET /config, for the product forms' checks; undefined until it
 * answers (the API alone checks them meanwhile). */
export function useInventoryLimits(): Limits {
  return useQuery({ queryKey: keys.inventoryConfig, queryFn: getInventoryConfig }).data?.limits;
}

/** The payment-worker's GET /config: the fee rate and the order limits. */
export const usePaymentConfig = () => useQuery({ queryKey: keys.paymentConfig, queryFn: getPaymentConfig });

/** Shows an order as the API just answered it (cancelled, or read again) wherever it is cached:
 * its own query (the checkout's card, My orders) and the back office's list. */
export async function orderChanged(queryClient: QueryClient, order: Order) {
  await queryClient.cancelQueries({ queryKey: keys.order(order.id), exact: true });
  queryClient.setQueryData(keys.order(order.id), order);
  await replaceItem(queryClient, keys.allOrders, order);
}

/** What a change to a product means for the cache: the list shows the row as the API answered it
 * (or drops it), and every product query (the checkout's picker too) is read again. */
export function useProductChanged() {
  const queryClient = useQueryClient();
  return useCallback(
    async (change: { saved: Product } | { deleted: string }) => {
      if ('saved' in change) await replaceItem(queryClient, keys.productPages, change.saved);
      else await removeItem<Product>(queryClient, keys.productPages, change.deleted);
      void queryClient.invalidateQueries({ queryKey: keys.products });
    },
    [queryClient],
  );
}
