// An order as a row of My orders and All orders: its products as the order keeps them ("Widget × 3,
// Gadget × 1", with its lines in a details toggle), the total, the status (with a refund's
// reason), when it was placed and, while pending, Cancel; and the table of both lists.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Order } from '../api/payments';
import type { ListView } from '../paging';
import { formatMoney, toCents } from '../pricing';
import { refundReasonText } from '../status';
import { sentence } from '../validation';
import { CancelOrder } from './CancelOrder';
import { linesSummary, OrderLines } from './OrderLines';
import { PagedTable } from './PagedTable';
import { StatusBadge } from './StatusBadge';

export const ORDER_COLUMNS = ['Order', 'Products', 'Total', 'Status', 'Placed', 'Actions'];

export function OrderRow({ order, asAdmin = false }: { order: Order; asAdmin?: boolean }) {
  return (
    <tr data-order-id={order.id}>
      <td className="id">{order.id}</td>
      <td>
        {/* The summary toggles the lines (native <details>: keyboard and screen readers included). */}
        <details className="order-products" data-testid="order-products">
          <summary>{linesSummary(order.lines)}</summary>
          <OrderLines order={order} />
        </details>
      </td>
      <td>{formatMoney(toCents(order.total))}</td>
      <td className="order-status">
        <StatusBadge status={order.status} />
        {order.status === 'refunded' && (
          <div className="small text-body-secondary">{sentence(refundReasonText(order.refund_reason, order.lines.length))}</div>
        )}
      </td>
      <td className="small">{new Date(order.created_at).toLocaleString()}</td>
      <td>
        <CancelOrder order={order} asAdmin={asAdmin} />
      </td>
    </tr>
  );
}

/** My orders' and All orders' table: these columns, and when the list is empty, `none` and where to
 * place an order. */
export function OrdersTable<T extends { id: string }>({ list, none, row }: { list: ListView<T>; none: string; row: (item: T) => ReactNode }) {
  const empty = (
    <>
      {none} <Link to="/orders">Place one.</Link>
    </>
  );
  return <PagedTable list={list} nouns={['order', 'orders']} columns={ORDER_COLUMNS} empty={empty} row={row} />;
}
