// A list read in pages (`GET /products`, `GET /orders`): the first page, then *Load more* follows
// the `Link` of the last page loaded, exactly as given. A refresh (timer) reads again as many pages
// as are shown, one after another, so loaded rows stay current and do not vanish; `reload()` (a
// Refresh button, a new visit) starts over from the first page. Items are never shown twice.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from './api/http';
import { useLoad } from './useLoad';

export interface Paged<T> {
  items: T[];
  /** The next page's URL, or null when everything is loaded. */
  next: string | null;
  /** How many pages are shown. */
  pages: number;
}

/** `page` after `items`, without the items already there (by id). */
export function appendPage<T extends { id: string }>(items: T[], page: T[]): T[] {
  const seen = new Set(items.map((i) => i.id));
  const added = page.filter((i) => !seen.has(i.id) && (seen.add(i.id), true));
  return added.length === 0 ? items : [...items, ...added];
}

/** Reads `pages` pages from the first (fewer if the list ends first), without duplicates. */
export async function readPages<T extends { id: string }>(
  first: () => Promise<Page<T>>,
  nextPage: (url: string) => Promise<Page<T>>,
  pages: () => number,
): Promise<Paged<T>> {
  let page = await first();
  let items = appendPage([], page.items);
  let read = 1;
  while (page.next && read < pages()) {
    page = await nextPage(page.next);
    items = appendPage(items, page.items);
    read++;
  }
  return { items, next: page.next, pages: read };
}

export interface PagedLoad<T> {
  data: Paged<T> | undefined;
  error: unknown;
  loading: boolean;
  /** Start over from the first page. */
  reload: () => void;
  /** Show a row as a mutation answered it (edited, cancelled), in its place. */
  replaceItem: (item: T) => void;
  /** Drop a row (deleted). */
  removeItem: (id: string) => void;
  loadMore: () => Promise<void>;
  loadingMore: boolean;
  loadMoreError: unknown;
}

export function usePaged<T extends { id: string }>(
  key: string,
  first: () => Promise<Page<T>>,
  nextPage: (url: string) => Promise<Page<T>>,
  refreshMs?: (items: T[]) => number | null,
): PagedLoad<T> {
  const pagesWanted = useRef(1);
  const load = useLoad<Paged<T>>(
    key,
    () => readPages(first, nextPage, () => pagesWanted.current),
    refreshMs && ((d) => refreshMs(d.items)),
  );
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<unknown>(undefined);
  const latest = useRef(load.data);
  useEffect(() => {
    latest.current = load.data;
  }, [load.data]);
  const { setData, reload: reloadNow } = load;

  const loadMore = useCallback(async () => {
    const shown = latest.current;
    if (!shown?.next) return;
    setLoadingMore(true);
    setLoadMoreError(undefined);
    try {
      const page = await nextPage(shown.next);
      // A refresh may have answered meanwhile: append to what is shown now.
      const now = latest.current ?? shown;
      const pages = now.pages + 1;
      pagesWanted.current = pages;
      setData({ items: appendPage(now.items, page.items), next: page.next, pages });
    } catch (error) {
      setLoadMoreError(error);
    } finally {
      setLoadingMore(false);
    }
  }, [nextPage, setData]);

  const reload = useCallback(() => {
    pagesWanted.current = 1;
    setLoadMoreError(undefined);
    reloadNow();
  }, [reloadNow]);

  // From the rows shown now (`latest`), not from a render's: a refresh may have answered since.
  const setItems = useCallback(
    (change: (items: T[]) => T[]) => {
      const now = latest.current;
      if (now) setData({ ...now, items: change(now.items) });
    },
    [setData],
  );
  const replaceItem = useCallback((item: T) => setItems((items) => items.map((i) => (i.id === item.id ? item : i))), [setItems]);
  const removeItem = useCallback((id: string) => setItems((items) => items.filter((i) => i.id !== id)), [setItems]);

  return { ...load, reload, replaceItem, removeItem, loadMore, loadingMore, loadMoreError };
}
