// A list read in pages (Products, My orders, All orders), shown the same way: its heading with
// Refresh, a spinner until the first page, the load error (the last rows stay shown), a line when
// the list is empty, the table, and under it how many rows are shown with *Load more*.
import type { ReactNode } from 'react';
import type { ListView } from '../paging';
import { LoadError } from './LoadError';
import { LoadMore } from './LoadMore';
import { Spinner } from './Spinner';

/** The screen's heading, its Refresh (back to the first page) and `children` beside it. */
export function ListHeader({ title, onRefresh, children }: { title: string; onRefresh: () => void; children?: ReactNode }) {
  return (
    <div className="d-flex justify-content-between align-items-center pb-2 mb-3 border-bottom">
      <h1 className="h2">{title}</h1>
      <div className="d-flex align-items-center gap-2">
        {children}
        <button type="button" className="btn btn-sm btn-outline-secondary" onClick={onRefresh} title="Reload from the first page">
          Refresh
        </button>
      </div>
    </div>
  );
}

/** A table's header row. */
export function TableHead({ columns }: { columns: ReactNode[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => (
          <th scope="col" key={i}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function PagedTable<T extends { id: string }>({
  list,
  nouns,
  columns,
  caption,
  empty,
  row,
}: {
  list: ListView<T>;
  /** What a row is, one and several: ['order', 'orders']. */
  nouns: [string, string];
  /** The header cells' contents. */
  columns: ReactNode[];
  /** Under the table, what its columns mean. */
  caption?: ReactNode;
  /** Shown when the list is empty. */
  empty: ReactNode;
  row: (item: T) => ReactNode;
}) {
  const items = list.items;
  return (
    <>
      {list.loading && <Spinner label={`Loading ${nouns[1]}…`} />}
      {list.error !== undefined && <LoadError error={list.error} stale={items !== undefined} />}
      {items && items.length === 0 && <p className="text-body-secondary">{empty}</p>}
      {items && items.length > 0 && (
        <>
          <div className="table-responsive">
            <table className="table table-striped table-sm align-middle">
              {caption && <caption className="small">{caption}</caption>}
              <TableHead columns={columns} />
              <tbody>{items.map(row)}</tbody>
            </table>
          </div>
          <LoadMore
            shown={items.length}
            noun={items.length === 1 ? nouns[0] : nouns[1]}
            more={list.more}
            busy={list.loadingMore}
            error={list.loadMoreError}
            onClick={list.loadMore}
          />
        </>
      )}
    </>
  );
}
