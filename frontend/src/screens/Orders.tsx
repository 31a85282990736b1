// The recent orders, newest first, refreshed while any of them may still change.
import { Link } from 'react-router';
import { listProducts } from '../api/inventory';
import { listOrders, ordersPage, type Order } from '../api/payments';
import { LoadError } from '../components/LoadError';
import { LoadMore } from '../components/LoadMore';
import { Spinner } from '../components/Spinner';
import { formatMoney, toCents } from '../pricing';
import { mayStillChange, refundReasonText, statusLabel, statusVariant } from '../status';
import { useLoad } from '../useLoad';
import { usePaged } from '../usePaged';
import { sentence } from '../validation';

export const ORDERS_LIMIT = 50;
export const ORDERS_REFRESH_MS = 2000;
/** Product names known: the catalogue's first page of this many. */
export const NAMES_LIMIT = 500;

const refreshWhileChanging = (orders: Order[]) => (orders.some((o) => mayStillChange(o)) ? ORDERS_REFRESH_MS : null);
const firstPage = () => listOrders(ORDERS_LIMIT);
const productNames = () => listProducts(NAMES_LIMIT);

export function Orders() {
  const orders = usePaged('orders', firstPage, ordersPage, refreshWhileChanging);
  // Names for the product ids; a deleted product keeps its id.
  const products = useLoad('product-names', productNames);
  const names = new Map(products.data?.items.map((p) => [p.id, p.name]));
  // Only the first page of the catalogue is read: an id not in it is not necessarily deleted.
  const complete = products.data !== undefined && products.data.next === null;
  const list = orders.data?.items;
  const live = list?.some((o) => mayStillChange(o));

  return (
    <>
      <div className="d-flex justify-content-between align-items-center pb-2 mb-3 border-bottom">
        <h1 className="h2">Order history</h1>
        <div className="d-flex align-items-center gap-3">
          {live && <Spinner label="Watching for status changes…" />}
          <button type="button" className="btn btn-sm btn-outline-secondary" onClick={orders.reload} title="Reload from the first page">
            Refresh
          </button>
        </div>
      </div>
      {orders.loading && <Spinner label="Loading orders…" />}
      {orders.error !== undefined && <LoadError error={orders.error} stale={list !== undefined} />}
      {list && list.length === 0 && (
        <p className="text-body-secondary">
          No orders yet. <Link to="/orders">Place one.</Link>
        </p>
      )}
      {list && list.length > 0 && (
        <div className="table-responsive">
          <table className="table table-striped table-sm align-middle">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Product</th>
                <th scope="col">Quantity</th>
                <th scope="col">Total</th>
                <th scope="col">Status</th>
                <th scope="col">Placed</th>
              </tr>
            </thead>
            <tbody>
              {list.map((order) => (
                <tr key={order.id} data-order-id={order.id}>
                  <td className="id">{order.id}</td>
                  <td>
                    {names.get(order.product_id) ?? (
                      <>
                        <span className="id">{order.product_id}</span>
                        {complete && <div className="small text-body-secondary">product deleted</div>}
                      </>
                    )}
                  </td>
                  <td>{order.quantity}</td>
                  <td>{formatMoney(toCents(order.total))}</td>
                  <td>
                    <span className={`badge text-bg-${statusVariant(order.status)}`}>{statusLabel(order.status)}</span>
                    {order.status === 'refunded' && (
                      <div className="small text-body-secondary">{sentence(refundReasonText(order.refund_reason))}</div>
                    )}
                  </td>
                  <td className="small text-nowrap">{new Date(order.created_at).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && list.length > 0 && (
        <LoadMore
          shown={list.length}
          noun={list.length === 1 ? 'order' : 'orders'}
          more={orders.data?.next != null}
          busy={orders.loadingMore}
          error={orders.loadMoreError}
          onClick={() => void orders.loadMore()}
        />
      )}
    </>
  );
}
