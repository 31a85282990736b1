// The recent orders, newest first, refreshed while any of them may still change; a pending one
// can be cancelled from its row.
import { Link } from 'react-router';
import { listProducts } from '../api/inventory';
import { listOrders, ordersPage, type Order } from '../api/payments';
import { CancelOrder } from '../components/CancelOrder';
import { ListHeader, PagedTable } from '../components/PagedTable';
import { Spinner } from '../components/Spinner';
import { StatusBadge } from '../components/StatusBadge';
import { formatMoney, toCents } from '../pricing';
import { mayStillChange, refundReasonText } from '../status';
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
const COLUMNS = ['Order', 'Product', 'Quantity', 'Total', 'Status', 'Placed', 'Actions'];

export function Orders() {
  const orders = usePaged('orders', firstPage, ordersPage, refreshWhileChanging);
  // Names for the product ids; a deleted product keeps its id.
  const products = useLoad('product-names', productNames);
  const names = new Map(products.data?.items.map((p) => [p.id, p.name]));
  // Only the first page of the catalogue is read: an id not in it is not necessarily deleted.
  const complete = products.data !== undefined && products.data.next === null;
  const live = orders.data?.items.some((o) => mayStillChange(o));

  return (
    <>
      <ListHeader title="Order history" onRefresh={orders.reload}>
        {live && <Spinner label="Watching for status changes…" />}
      </ListHeader>
      <PagedTable
        list={orders}
        nouns={['order', 'orders']}
        columns={COLUMNS}
        empty={
          <>
            No orders yet. <Link to="/orders">Place one.</Link>
          </>
        }
        row={(order) => (
          <OrderRow
            key={order.id}
            order={order}
            productName={names.get(order.product_id)}
            productDeleted={complete}
            onChange={orders.replaceItem}
          />
        )}
      />
    </>
  );
}

function OrderRow({
  order,
  productName,
  productDeleted,
  onChange,
}: {
  order: Order;
  productName: string | undefined;
  /** A product without a name is deleted (the whole catalogue was read). */
  productDeleted: boolean;
  onChange: (order: Order) => void;
}) {
  return (
    <tr data-order-id={order.id}>
      <td className="id">{order.id}</td>
      <td>
        {productName ?? (
          <>
            <span className="id">{order.product_id}</span>
            {productDeleted && <div className="small text-body-secondary">product deleted</div>}
          </>
        )}
      </td>
      <td>{order.quantity}</td>
      <td>{formatMoney(toCents(order.total))}</td>
      <td>
        <StatusBadge status={order.status} />
        {order.status === 'refunded' && (
          <div className="small text-body-secondary">{sentence(refundReasonText(order.refund_reason))}</div>
        )}
      </td>
      <td className="small text-nowrap">{new Date(order.created_at).toLocaleString()}</td>
      <td>
        <CancelOrder order={order} onChange={onChange} />
      </td>
    </tr>
  );
}
