// My orders (`/orders/mine`): the orders placed in this browser (their ids are remembered in
// localStorage, see myOrders.ts), newest first, each read by its id with `GET /orders/{id}` (the
// customer's credential for it; no token), refreshed while it may still change; a pending one can
// be cancelled. An id the shop does not know (any more) says so and can be forgotten.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { getOrder } from '../api/payments';
import { ORDER_COLUMNS, OrderRow, OrdersTable } from '../components/OrderRow';
import { ListHeader } from '../components/PagedTable';
import { Spinner } from '../components/Spinner';
import { forgetOrder, MY_ORDERS_MAX, useMyOrderIds } from '../myOrders';
import type { ListView } from '../paging';
import { keys } from '../queries';
import { mayStillChange } from '../status';
import { ORDERS_REFRESH_MS } from './AllOrders';

/** Orders shown at first, and added by each *Load more* (each is one request, and one more every
 * 2 s while it is pending). */
export const MY_ORDERS_PAGE = 20;

export function MyOrders() {
  const ids = useMyOrderIds();
  const [shown, setShown] = useState(MY_ORDERS_PAGE);
  const queryClient = useQueryClient();
  const list: ListView<{ id: string }> = {
    items: ids.slice(0, shown).map((id) => ({ id })),
    loading: false,
    error: undefined,
    more: ids.length > shown,
    loadMore: () => setShown((n) => n + MY_ORDERS_PAGE),
    loadingMore: false,
    loadMoreError: undefined,
  };
  /** As for the other lists: back to the first page, read again. */
  const refresh = () => {
    setShown(MY_ORDERS_PAGE);
    void queryClient.invalidateQueries({ queryKey: keys.orders });
  };

  return (
    <>
      <ListHeader title="My orders" onRefresh={refresh} />
      <p className="text-body-secondary small" data-testid="my-orders-about">
        The orders placed in this browser, newest first (the last {MY_ORDERS_MAX} are remembered here). An order's id
        is what lets you follow it and cancel it while it is pending: keep it.
      </p>
      <OrdersTable list={list} none="No orders placed in this browser yet." row={({ id }) => <MyOrderRow key={id} id={id} />} />
    </>
  );
}

function MyOrderRow({ id }: { id: string }) {
  const order = useQuery({
    queryKey: keys.order(id),
    queryFn: () => getOrder(id),
    refetchInterval: (query) => (query.state.data && mayStillChange(query.state.data) ? ORDERS_REFRESH_MS : false),
  });
  if (order.data) return <OrderRow order={order.data} />;

  const failure = order.error ?? order.failureReason;
  const unknown = failure instanceof ApiError && failure.status === 404;
  return (
    <tr data-order-id={id}>
      <td className="id">{id}</td>
      <td colSpan={ORDER_COLUMNS.length - 2}>
        {unknown ? (
          <span className="text-body-secondary">The shop does not know this order (any more).</span>
        ) : failure ? (
          <span className="text-danger small">{describeError(failure)}</span>
        ) : (
          <Spinner label="Loading the order…" />
        )}
      </td>
      <td>
        {unknown && (
          <button type="button" className="btn btn-sm btn-outline-secondary" onClick={() => forgetOrder(id)}>
            Forget
          </button>
        )}
      </td>
    </tr>
  );
}
