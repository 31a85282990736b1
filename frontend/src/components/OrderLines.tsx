// An order's lines as the order keeps them (the product's name and price when it was ordered, the
// fee, the line's total), and the one-line summary a table row shows ("Widget × 3, Gadget × 1").
import type { ReactNode } from 'react';
import type { Order, OrderLine } from '../api/payments';
import { formatMoney, toCents } from '../pricing';

/** Lines named in a summary; the rest are counted ("and 2 more"). */
export const SUMMARY_LINES = 3;

/** "Widget × 3, Gadget × 1", "A × 1, B × 2, C × 1 and 2 more". */
export function linesSummary(lines: readonly Pick<OrderLine, 'name' | 'quantity'>[], shown = SUMMARY_LINES): string {
  const named = lines.slice(0, shown).map((l) => `${l.name} × ${l.quantity}`).join(', ');
  return lines.length > shown ? `${named} and ${lines.length - shown} more` : named;
}

/** A unit price with its fee: "$24.00" over "$20.00 + $4.00 fee" (cents). */
export function UnitPrice({ price, fee }: { price: number; fee: number }) {
  return (
    <>
      {formatMoney(price + fee)}
      <div className="small text-body-secondary text-nowrap">
        {formatMoney(price)} + {formatMoney(fee)} fee
      </div>
    </>
  );
}

/** The head of a table of lines (an order's, or the cart's when `editable`: quantities typed in,
 * and a column for Remove). */
export function LinesHead({ editable = false }: { editable?: boolean }) {
  return (
    <thead>
      <tr>
        <th scope="col">Product</th>
        <th scope="col" className="text-end">
          Unit price
        </th>
        <th scope="col" className={editable ? undefined : 'text-end'}>
          Quantity
        </th>
        <th scope="col" className="text-end">
          Total
        </th>
        {editable && (
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

/** The foot of a table of lines: the total (cents; none while unknown), `note` beside its label. */
export function TotalRow({
  cents,
  testId,
  note,
  editable = false,
}: {
  cents: number | undefined;
  testId: string;
  note?: ReactNode;
  editable?: boolean;
}) {
  return (
    <tfoot>
      <tr>
        <th scope="row" colSpan={3}>
          Total
          {note}
        </th>
        <td className="text-end fw-bold" data-testid={testId}>
          {cents !== undefined && formatMoney(cents)}
        </td>
        {editable && <td />}
      </tr>
    </tfoot>
  );
}

/** The lines' table, with the order's total under it. */
export function OrderLines({ order }: { order: Pick<Order, 'lines' | 'total'> }) {
  return (
    <table className="table table-sm mb-0" data-testid="order-lines">
      <LinesHead />
      <tbody>
        {order.lines.map((line) => (
          <tr key={line.product_id} data-product-id={line.product_id}>
            <td>{line.name}</td>
            <td className="text-end">
              <UnitPrice price={toCents(line.price)} fee={toCents(line.fee)} />
            </td>
            <td className="text-end">{line.quantity}</td>
            <td className="text-end">{formatMoney(toCents(line.total))}</td>
          </tr>
        ))}
      </tbody>
      <TotalRow cents={toCents(order.total)} testId="order-total" />
    </table>
  );
}
