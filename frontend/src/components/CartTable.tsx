// The cart: each line's product (its name now; what the cart remembers of it while it loads or once
// it is gone), its unit price with the fee at the payment worker's rate, its quantity (changed in
// place), its total and Remove; the cart's total; and Check out, enabled only when every line can
// be ordered as it is (what is available, the limits, the API's last refusal) and the fee rate is
// known: nobody pays a total they were not shown.
import { useState } from 'react';
import { describeError } from '../api/client';
import type { Product } from '../api/inventory';
import { cartProblem, GONE, lineProblem, quoteCart, type CartLine } from '../cart';
import { formatMoney, formatRate, toCents } from '../pricing';
import { parseQuantity, type Limits } from '../validation';
import { LoadError } from './LoadError';
import { LinesHead, TotalRow, UnitPrice } from './OrderLines';
import { Spinner } from './Spinner';

/** What the checkout knows of a line's product. */
export interface LineProduct {
  product?: Product;
  /** The shop does not know it (any more): a 404. */
  gone?: boolean;
  /** Why it could not be read (yet). */
  failure?: unknown;
}

export function CartTable({
  lines,
  productOf,
  lineErrors,
  limits,
  feeRate,
  configFailure,
  busy,
  onQuantity,
  onRemove,
  onCheckout,
}: {
  lines: readonly CartLine[];
  productOf: (productId: string) => LineProduct;
  /** The API's refusal of the last checkout, at the lines it named. */
  lineErrors: ReadonlyMap<string, string>;
  limits: Limits;
  feeRate: number | undefined;
  configFailure: unknown;
  /** An order is being placed: nothing can change meanwhile. */
  busy: boolean;
  onQuantity: (productId: string, quantity: number) => void;
  onRemove: (productId: string) => void;
  onCheckout: () => void;
}) {
  // Quantities being typed that are not (yet) valid numbers, by product id.
  const [drafts, setDrafts] = useState<ReadonlyMap<string, string>>(new Map());
  if (lines.length === 0) {
    return (
      <p className="text-body-secondary" data-testid="cart-empty">
        Your cart is empty: add products from the catalogue.
      </p>
    );
  }

  const priceOf = (id: string) => {
    const product = productOf(id).product;
    return product && toCents(product.price);
  };
  const quoted = feeRate === undefined ? null : quoteCart(lines, priceOf, feeRate);
  const draftError = (id: string) => {
    const text = drafts.get(id);
    const parsed = text === undefined ? undefined : parseQuantity(text, limits, 1);
    return parsed && !parsed.ok ? parsed.error : undefined;
  };
  const problemOf = (line: CartLine): string | undefined => {
    const { product, gone, failure } = productOf(line.productId);
    const refused = lineErrors.get(line.productId);
    if (refused) return refused;
    if (gone) return GONE;
    if (product) return lineProblem(line, product, limits);
    return failure === undefined ? undefined : describeError(failure);
  };
  const wholeCart = cartProblem(lines, limits);
  const ready =
    !busy &&
    quoted !== null &&
    wholeCart === undefined &&
    lines.every((l) => productOf(l.productId).product && !problemOf(l) && !draftError(l.productId));

  const edit = (id: string, text: string) => {
    setDrafts((d) => new Map(d).set(id, text));
    const parsed = parseQuantity(text, limits, 1);
    if (parsed.ok) onQuantity(id, parsed.value);
  };
  /** A valid quantity typed is the line's own from now on (another tab may change it). */
  const settle = (id: string) => {
    if (drafts.has(id) && !draftError(id)) forget(id);
  };
  const forget = (id: string) =>
    setDrafts((d) => {
      const next = new Map(d);
      next.delete(id);
      return next;
    });

  return (
    <>
      <fieldset disabled={busy}>
        <div className="table-responsive">
          <table className="table table-sm align-middle" data-testid="cart">
            <LinesHead editable />
            <tbody>
              {lines.map((line) => {
                const { product, failure } = productOf(line.productId);
                const name = product?.name ?? line.name;
                const q = quoted?.lines.get(line.productId);
                const problem = problemOf(line);
                const typing = draftError(line.productId);
                return (
                  <tr key={line.productId} data-product-id={line.productId}>
                    <td>
                      {name}
                      {!product && !problem && failure === undefined && (
                        <div>
                          <Spinner label="Loading the product…" />
                        </div>
                      )}
                      {problem && (
                        <div className="small text-danger" role="alert" data-testid="line-problem">
                          {problem}
                        </div>
                      )}
                    </td>
                    <td className="text-end">{q ? <UnitPrice price={q.price} fee={q.fee} /> : product && formatMoney(toCents(product.price))}</td>
                    <td>
                      <input
                        className={`form-control form-control-sm${typing ? ' is-invalid' : ''}`}
                        aria-label={`Quantity of ${name}`}
                        inputMode="numeric"
                        value={drafts.get(line.productId) ?? String(line.quantity)}
                        onChange={(e) => edit(line.productId, e.target.value)}
                        onBlur={() => settle(line.productId)}
                      />
                      {typing && <div className="invalid-feedback">{typing}</div>}
                    </td>
                    <td className="text-end" data-testid="line-total">
                      {q && formatMoney(q.total)}
                    </td>
                    <td className="text-end">
                      <button
                        type="button"
                        className="btn btn-sm btn-outline-secondary"
                        aria-label={`Remove ${name}`}
                        onClick={() => {
                          forget(line.productId);
                          onRemove(line.productId);
                        }}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
            <TotalRow
              cents={quoted?.total}
              testId="cart-total"
              editable
              note={
                feeRate !== undefined && (
                  <span className="fw-normal small text-body-secondary"> (prices include the {formatRate(feeRate)} fee)</span>
                )
              }
            />
          </table>
        </div>
      </fieldset>
      {feeRate === undefined && (
        <div className="mb-3" data-testid="quote-pending">
          {configFailure ? <LoadError error={configFailure} /> : <Spinner label="Loading the fee…" />}
        </div>
      )}
      {wholeCart && (
        <div className="alert alert-warning" role="status" data-testid="cart-problem">
          {wholeCart}
        </div>
      )}
      <button type="button" className="btn btn-primary" onClick={onCheckout} disabled={!ready}>
        {busy ? <Spinner label="Placing the order…" muted={false} /> : 'Check out'}
      </button>
    </>
  );
}
