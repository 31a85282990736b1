// All orders (`/orders/all`): the back office's list of every order in the shop, newest first,
// refreshed while any of them may still change; a pending one can be cancelled from its row.
// `GET /orders` needs the admin token when the shop has one: a 401 asks for it (the token dialog).
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { listOrders, ordersPage, type Order } from '../api/payments';
import { OrderRow, OrdersTable } from '../components/OrderRow';
import { ListHeader } from '../components/PagedTable';
import { Spinner } from '../components/Spinner';
import { useLinkPages } from '../paging';
import { keys } from '../queries';
import { mayStillChange } from '../status';

export const ORDERS_LIMIT = 50;
export const ORDERS_REFRESH_MS = 2000;

const refreshWhileChanging = (orders: Order[]) => (orders.some((o) => mayStillChange(o)) ? ORDERS_REFRESH_MS : false);
const firstPage = () => listOrders(ORDERS_LIMIT);

export function AllOrders() {
  const orders = useLinkPages({ queryKey: keys.allOrders, first: firstPage, next: ordersPage, refetchMs: refreshWhileChanging });
  const live = orders.items?.some((o) => mayStillChange(o));
  const needsToken = orders.error instanceof ApiError && orders.error.status === 401;

  return (
    <>
      <ListHeader title="All orders" onRefresh={orders.refresh}>
        {live && <Spinner label="Watching for status changes…" />}
      </ListHeader>
      <p className="text-body-secondary small" data-testid="all-orders-about">
        The back office's view: every order placed in the shop, by anyone, newest first. It needs the shop's admin
        token when one is set (asked for once, kept for this tab only). A customer's own orders are in{' '}
        <Link to="/orders/mine">My orders</Link>.
      </p>
      {needsToken && (
        <button type="button" className="btn btn-sm btn-primary mb-3" onClick={orders.refresh}>
          Enter the admin token
        </button>
      )}
      <OrdersTable list={orders} none="No orders yet." row={(order) => <OrderRow key={order.id} order={order} asAdmin />} />
    </>
  );
}
