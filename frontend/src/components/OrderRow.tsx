// An order as a row of My orders and All orders: the product's name (from the catalogue), the
// quantity, the total, the status (with a refund's reason), when it was placed and, while pending,
// Cancel.
import { useQuery } from '@tanstack/react-query';
import type { Order } from '../api/payments';
import { formatMoney, toCents } from '../pricing';
import { productsFirstQuery } from '../queries';
import { refundReasonText } from '../status';
import { sentence } from '../validation';
import { CancelOrder } from './CancelOrder';
import { StatusBadge } from './StatusBadge';

export const ORDER_COLUMNS = ['Order', 'Product', 'Quantity', 'Total', 'Status', 'Placed', 'Actions'];
/** Product names known: the catalogue's first page of this many. */
export const NAMES_LIMIT = 500;

export interface ProductNames {
  names: Map<string, string>;
  /** The whole catalogue was read: an id without a name is a deleted product. */
  complete: boolean;
}

/** Names for the orders' product ids; a deleted product keeps its id. */
export function useProductNames(): ProductNames {
  const products = useQuery(productsFirstQuery(NAMES_LIMIT)).data;
  return { names: new Map(products?.items.map((p) => [p.id, p.name])), complete: products !== undefined && products.next === null };
}

export function OrderRow({ order, names, asAdmin = false }: { order: Order; names: ProductNames; asAdmin?: boolean }) {
  const name = names.names.get(order.product_id);
  return (
    <tr data-order-id={order.id}>
      <td className="id">{order.id}</td>
      <td>
        {name ?? (
          <>
            <span className="id">{order.product_id}</span>
            {names.complete && <div className="small text-body-secondary">product deleted</div>}
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
        <CancelOrder order={order} asAdmin={asAdmin} />
      </td>
    </tr>
  );
}
