// Checkout (`/orders`): a cart (issue 16). Add products from the catalogue (or by pasting an id, as
// in the tutorial) with their quantities, see each line's price with the fee, its total and the
// cart's, change or remove lines, then Check out: one `POST /orders` of every line, with one
// Idempotency-Key per checkout (cart.ts), and follow the order live. The API places every line or
// none: its refusal is shown at the lines it names. The fee rate and the limits are the payment
// worker's own, from its GET /config; the cart is kept in this browser (cart.ts).
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, describeError } from '../api/client';
import { placeOrder, type Order } from '../api/payments';
import {
  attemptFor,
  cartStore,
  EMPTY_CART,
  fingerprint,
  refusal,
  removeLine,
  setQuantity,
  updateLines,
  type Attempt,
  type CartLine,
} from '../cart';
import { AddToCart } from '../components/AddToCart';
import { CartTable, type LineProduct } from '../components/CartTable';
import { OrderStatus } from '../components/OrderStatus';
import { rememberOrder } from '../myOrders';
import { keys, PRODUCT_REFRESH_MS, productQuery, productsFirstQuery, stockSeen, usePaymentConfig } from '../queries';

/** The picker lists the catalogue's first page of this many (the API's largest); any other
 * product is found by pasting its id. */
export const PICKER_LIMIT = 500;

export function Checkout() {
  const queryClient = useQueryClient();
  const picker = useQuery({ ...productsFirstQuery(PICKER_LIMIT), refetchInterval: PRODUCT_REFRESH_MS });
  const config = usePaymentConfig();
  const limits = config.data?.limits;
  const cart = cartStore.use();
  const [lineErrors, setLineErrors] = useState<ReadonlyMap<string, string>>(new Map());
  const [formError, setFormError] = useState<string>();
  const [placed, setPlaced] = useState<{ order: Order; replayed: boolean } | null>(null);

  // A line's product: from the picker's list, or else read by its id (refreshed the same way).
  const listed = new Map(picker.data?.items.map((p) => [p.id, p]));
  const unlisted = picker.isPending ? [] : cart.lines.map((l) => l.productId).filter((id) => !listed.has(id));
  const lookups = useQueries({ queries: unlisted.map((id) => productQuery(id)) });
  const productOf = (id: string): LineProduct => {
    const product = listed.get(id);
    if (product) return { product };
    const lookup = lookups[unlisted.indexOf(id)];
    if (!lookup) return {};
    if (lookup.error instanceof ApiError && lookup.error.status === 404) return { gone: true };
    return { product: lookup.data, failure: lookup.error ?? lookup.failureReason ?? undefined };
  };

  const place = useMutation({
    mutationFn: ({ lines, attempt }: { lines: readonly CartLine[]; attempt: Attempt }) => placeOrder(lines, attempt.key),
    onMutate: () => {
      setFormError(undefined);
      setLineErrors(new Map());
    },
    onSuccess: (result, { attempt }) => {
      // Placed (or replayed: the same order, placed by an earlier try): the cart is bought, and the
      // next Check out is a new purchase. (A cart changed in another tab meanwhile stays.)
      const now = cartStore.get();
      cartStore.set(fingerprint(now.lines) === attempt.fingerprint ? EMPTY_CART : { ...now, attempt: null });
      rememberOrder(result.order.id);
      setPlaced(result);
      void queryClient.invalidateQueries({ queryKey: keys.products }); // what is available changed
    },
    onError: (error, { lines }) => {
      // No answer, or a 503: the order may have been placed; Check out again is a retry (same key).
      if (!(error instanceof ApiError)) return setFormError(describeError(error));
      if (error.body.code === 'idempotency_key_reused') cartStore.set({ ...cartStore.get(), attempt: null });
      const refused = refusal(error.body, lines);
      setLineErrors(refused.lines);
      setFormError(refused.form);
      // Nothing was placed: the catalogue is read again (and a 409's numbers shown at once).
      if (refused.available.size > 0) void stockSeen(queryClient, refused.available);
      else void queryClient.invalidateQueries({ queryKey: keys.products });
    },
  });

  const checkout = () => {
    const { lines, attempt: current } = cartStore.get();
    const attempt = attemptFor(current, lines, () => crypto.randomUUID());
    cartStore.set({ lines, attempt });
    place.mutate({ lines, attempt });
  };
  /** A line changed: the API's refusal of it no longer applies. */
  const changed = (id: string) =>
    setLineErrors((errors) => {
      if (!errors.has(id)) return errors;
      const next = new Map(errors);
      next.delete(id);
      return next;
    });

  const configFailure = config.error ?? config.failureReason;
  return (
    <>
      <div className="pb-2 mb-3 border-bottom">
        <h1 className="h2">Checkout</h1>
      </div>
      <div className="row g-4">
        <section className="col-xl-5" aria-labelledby="add-heading">
          <h2 className="h5" id="add-heading">
            Add a product
          </h2>
          <AddToCart
            picker={{
              products: picker.data?.items,
              loading: picker.isPending,
              error: picker.error ?? picker.failureReason ?? undefined,
              more: picker.data?.next != null,
            }}
            lines={cart.lines}
            limits={limits}
            feeRate={config.data?.fee_rate_basis_points}
            configFailure={configFailure}
            disabled={place.isPending}
            onAdd={(lines) => updateLines(() => lines)}
          />
        </section>
        <section className="col-xl-7" aria-labelledby="cart-heading">
          <h2 className="h5" id="cart-heading">
            Your cart
          </h2>
          {formError && (
            <div className="alert alert-danger" role="alert" data-testid="checkout-error">
              {formError}
            </div>
          )}
          <CartTable
            lines={cart.lines}
            productOf={productOf}
            lineErrors={lineErrors}
            limits={limits}
            feeRate={config.data?.fee_rate_basis_points}
            configFailure={configFailure}
            busy={place.isPending}
            onQuantity={(id, quantity) => {
              updateLines((lines) => setQuantity(lines, id, quantity));
              changed(id);
            }}
            onRemove={(id) => {
              updateLines((lines) => removeLine(lines, id));
              changed(id);
            }}
            onCheckout={checkout}
          />
          <div className="mt-4">
            {placed ? (
              <>
                {placed.replayed && (
                  <p className="small text-body-secondary" data-testid="order-replayed">
                    Your earlier try had already placed this order; it was not placed twice.
                  </p>
                )}
                <OrderStatus key={placed.order.id} initial={placed.order} />
              </>
            ) : (
              <p className="text-body-secondary small">
                Your order and its status appear here once you check out. The orders placed in this browser are in{' '}
                <Link to="/orders/mine">My orders</Link>.
              </p>
            )}
          </div>
        </section>
      </div>
    </>
  );
}
