// Lists in pages (`GET /products`, `GET /orders`) as TanStack Query infinite queries: the first
// page, then *Load more* follows the `Link` of the last page loaded, exactly as given. A timed
// refetch of an infinite query reads again, one after another, as many pages as are shown (from
// the first, following each page's `Link`) and replaces them at once; `refresh()` (the Refresh
// button) starts over from the first page, and so does opening the screen again (`gcTime: 0`: a
// list no screen shows is dropped). Items are never shown twice.
import { useInfiniteQuery, useQueryClient, type InfiniteData, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { Page } from './api/client';

/** A list as a screen shows it (`PagedTable`), whatever loads it. */
export interface ListView<T> {
  items: T[] | undefined;
  /** Nothing to show yet (the first load is in flight). */
  loading: boolean;
  /** Why the last load failed (rows already shown stay); undefined when it did not. */
  error: unknown;
  /** More rows can be loaded. */
  more: boolean;
  loadMore: () => void;
  loadingMore: boolean;
  loadMoreError: unknown;
}

type Pages<T> = InfiniteData<Page<T>, string | null>;

/** The items of every page, in order, each id once (a row may move to the next page meanwhile). */
export function uniqueById<T extends { id: string }>(pages: readonly Page<T>[]): T[] {
  const seen = new Set<string>();
  return pages.flatMap((p) => p.items).filter((item) => !seen.has(item.id) && (seen.add(item.id), true));
}

/**
 * @param first the first page; `next(url)` the page a `Link` names.
 * @param refetchMs after the rows shown now: milliseconds to the next refresh, or false for none.
 */
export function useLinkPages<T extends { id: string }>({
  queryKey,
  first,
  next,
  refetchMs,
}: {
  queryKey: QueryKey;
  first: () => Promise<Page<T>>;
  next: (url: string) => Promise<Page<T>>;
  refetchMs: (items: T[]) => number | false;
}): ListView<T> & { refresh: () => void } {
  const queryClient = useQueryClient();
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }: { pageParam: string | null }) => (pageParam === null ? first() : next(pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last: Page<T>) => last.next,
    refetchInterval: (q) => refetchMs(uniqueById(q.state.data?.pages ?? [])),
    gcTime: 0,
  });
  const { data, error, failureReason, isFetchNextPageError, isFetchingNextPage } = query;
  // An unreachable API is retried (RETRY_MS) without an `error`: its `failureReason` says why.
  const moreFailed = isFetchNextPageError || isFetchingNextPage;
  const failed = error ?? failureReason ?? undefined;
  return {
    items: data && uniqueById(data.pages),
    loading: query.isPending,
    error: moreFailed ? undefined : failed,
    more: query.hasNextPage,
    loadMore: () => void query.fetchNextPage(),
    loadingMore: isFetchingNextPage,
    loadMoreError: moreFailed ? failed : undefined,
    refresh: () => {
      // Only the first page is kept, then read again (TanStack's way to refetch one page).
      queryClient.setQueryData<Pages<T>>(queryKey, (d) => d && { pages: d.pages.slice(0, 1), pageParams: d.pageParams.slice(0, 1) });
      void query.refetch();
    },
  };
}

/** Shows rows as a change answered them (edited, cancelled, deleted) in every page of the list
 * cached under `queryKey`, without waiting for its next refresh. A refresh in flight, which read
 * them before the change, is dropped so that it cannot put the old rows back. */
export async function updateItems<T>(queryClient: QueryClient, queryKey: QueryKey, change: (items: T[]) => T[]) {
  await queryClient.cancelQueries({ queryKey, exact: true });
  queryClient.setQueryData<Pages<T>>(queryKey, (d) => d && { ...d, pages: d.pages.map((p) => ({ ...p, items: change(p.items) })) });
}

export const replaceItem = <T extends { id: string }>(queryClient: QueryClient, queryKey: QueryKey, item: T) =>
  updateItems<T>(queryClient, queryKey, (items) => items.map((i) => (i.id === item.id ? item : i)));

export const removeItem = <T extends { id: string }>(queryClient: QueryClient, queryKey: QueryKey, id: string) =>
  updateItems<T>(queryClient, queryKey, (items) => items.filter((i) => i.id !== id));
