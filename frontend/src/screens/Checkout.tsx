// Checkout (`/orders`): pick a product (or paste its id, as in the tutorial), see the price with
// the fee and the total at once, buy, then follow the order's status live. The fee rate and the
// quantity limit are the payment-worker's own, from its GET /config.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, describeError } from '../api/client';
import { getProduct, type Product } from '../api/inventory';
import { placeOrder, type Order } from '../api/payments';
import { LoadError } from '../components/LoadError';
import { OrderStatus } from '../components/OrderStatus';
import { Spinner } from '../components/Spinner';
import { TextField } from '../components/TextField';
import { rememberOrder } from '../myOrders';
import { formatMoney, formatRate, quote, toCents, type Quote } from '../pricing';
import { keys, productsFirstQuery, usePaymentConfig } from '../queries';
import { isSoldOut, pickerLabel, stockProblem } from '../stock';
import { fieldErrorsFromApi, parseQuantity, sentence, type FieldErrors } from '../validation';

const PRODUCT_ID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const CHECKOUT_REFRESH_MS = 5000;
/** The picker lists the catalogue's first page of this many (the API's largest); any other
 * product is found by pasting its id. */
export const PICKER_LIMIT = 500;

/** One checkout attempt: its Idempotency-Key, kept while the same product and quantity are
 * bought again (a retry after a network error or a 503), so that a retry never orders twice. */
interface Attempt {
  key: string;
  productId: string;
  quantity: number;
}

/** The attempt for buying `quantity` of `productId`: `current` again if it is the same order,
 * otherwise a new one with a fresh key. */
export function attemptFor(current: Attempt | null, productId: string, quantity: number, newKey: () => string): Attempt {
  if (current && current.productId === productId && current.quantity === quantity) return current;
  return { key: newKey(), productId, quantity };
}

type CheckoutField = 'id' | 'quantity';

export function Checkout() {
  const queryClient = useQueryClient();
  const picker = useQuery({ ...productsFirstQuery(PICKER_LIMIT), refetchInterval: CHECKOUT_REFRESH_MS });
  const products = picker.data?.items;
  const moreProducts = picker.data?.next != null;
  const config = usePaymentConfig();
  const [productId, setProductId] = useState('');
  const [quantityText, setQuantityText] = useState('1');
  const [errors, setErrors] = useState<FieldErrors<CheckoutField>>({});
  const [order, setOrder] = useState<{ order: Order; productName: string; replayed: boolean } | null>(null);
  // The key of the attempt not yet known to have placed its order; cleared once it has.
  const [attempt, setAttempt] = useState<Attempt | null>(null);

  const id = productId.trim().toUpperCase();
  const listed = products?.find((p) => p.id === id);
  // A pasted id that is not in the list (yet): ask the inventory for it, refreshed like the list
  // so that what is available stays current.
  const lookup = useQuery({
    queryKey: keys.product(id),
    queryFn: () => getProduct(id),
    enabled: id !== '' && !listed && PRODUCT_ID.test(id) && !picker.isPending,
    // Not again for an id the inventory does not know (404).
    refetchInterval: (query) => (query.state.status === 'error' ? false : CHECKOUT_REFRESH_MS),
  });
  const product: Product | undefined = listed ?? (lookup.isEnabled ? lookup.data : undefined);
  /** What was bought changed what is available: the picker and the lookup read again. */
  const stockChanged = () => void queryClient.invalidateQueries({ queryKey: keys.products });

  const place = useMutation({
    mutationFn: ({ attempt, product }: { attempt: Attempt; product: Product }) =>
      placeOrder(attempt.productId, attempt.quantity, attempt.key).then((placed) => ({ ...placed, product })),
    onMutate: () => setErrors({}),
    onSuccess: (placed) => {
      // Placed (or replayed: the same order, placed by an earlier try): the next Buy is a new purchase.
      setAttempt(null);
      rememberOrder(placed.order.id);
      setOrder({ order: placed.order, productName: placed.product.name, replayed: placed.replayed });
      stockChanged();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 404) setErrors({ id: 'No product with this id (it may have just been deleted).' });
      else if (error instanceof ApiError && error.body.code === 'insufficient_stock') {
        // Reserved by others since the list was read: say so at the quantity and read it again.
        setErrors({ quantity: sentence(error.body.message) });
        stockChanged();
      } else if (error instanceof ApiError) setErrors(fieldErrorsFromApi(error.body, ['id', 'quantity'], { product_id: 'id' }));
      else setErrors({ form: describeError(error) });
    },
  });
  const busy = place.isPending;
  const quantity = parseQuantity(quantityText, config.data?.limits, 1);
  // What the payment worker would refuse at once (409): more than is available, or none left.
  const stock = product && quantity.ok ? stockProblem(product, quantity.value) : undefined;

  let idProblem: string | undefined;
  if (id && !PRODUCT_ID.test(id)) idProblem = 'A product id is 26 letters and digits, like 01J9Z3K4M5N6P7Q8R9S0T1V2W3.';
  else if (lookup.isEnabled && lookup.error instanceof ApiError && lookup.error.status === 404) idProblem = 'No product with this id.';
  else if (lookup.isEnabled && (lookup.error ?? lookup.failureReason)) idProblem = describeError(lookup.error ?? lookup.failureReason);

  const change = (field: CheckoutField, value: string) => {
    if (field === 'id') setProductId(value);
    else setQuantityText(value);
    setErrors((e) => ({ ...e, [field]: undefined, form: undefined }));
  };

  const buy = (e: FormEvent) => {
    e.preventDefault();
    if (!product || !quantity.ok || stock) {
      setErrors({
        id: product ? undefined : idProblem ?? 'Choose a product.',
        quantity: quantity.ok ? undefined : quantity.error,
      });
      return;
    }
    const thisAttempt = attemptFor(attempt, product.id, quantity.value, () => crypto.randomUUID());
    setAttempt(thisAttempt);
    place.mutate({ attempt: thisAttempt, product });
  };

  const idError = errors.id ?? idProblem;
  const chosen = product && quantity.ok && !stock ? { product, quantity: quantity.value } : null;
  // No quote, and so no Buy, before the fee rate is known: nobody pays a total they were not shown.
  const feeRate = config.data?.fee_rate_basis_points;
  const q = chosen && feeRate !== undefined ? quote(toCents(chosen.product.price), chosen.quantity, feeRate) : null;
  const configFailure = config.error ?? config.failureReason;

  return (
    <>
      <div className="pb-2 mb-3 border-bottom">
        <h1 className="h2">Checkout</h1>
      </div>
      <div className="row g-4">
        <form className="col-lg-6" onSubmit={buy} noValidate aria-label="Checkout">
          {errors.form && (
            <div className="alert alert-danger" role="alert">
              {errors.form}
            </div>
          )}
          <ProductSelect
            products={products}
            loading={picker.isPending}
            error={picker.error ?? picker.failureReason ?? undefined}
            more={moreProducts}
            chosen={listed?.id ?? ''}
            onChange={(value) => change('id', value)}
          />
          <TextField
            id="checkout-id"
            label="…or paste a product id"
            inputClass="id"
            error={idError}
            value={productId}
            onChange={(e) => change('id', e.target.value)}
            placeholder="01J9Z3K4M5N6P7Q8R9S0T1V2W3"
            autoComplete="off"
            spellCheck={false}
          >
            {lookup.isLoading && <Spinner label="Looking up the product…" />}
          </TextField>
          <TextField
            id="checkout-quantity"
            label="Quantity"
            inputMode="numeric"
            error={errors.quantity ?? (quantity.ok ? undefined : quantity.error)}
            value={quantityText}
            onChange={(e) => change('quantity', e.target.value)}
          />
          {stock && (
            <div className="alert alert-warning" role="status" data-testid="stock-problem">
              {stock}
            </div>
          )}
          {chosen && feeRate !== undefined && q && <QuoteBox q={q} feeRate={feeRate} quantity={chosen.quantity} />}
          {chosen && !q && (
            <div className="mb-3" data-testid="quote-pending">
              {configFailure ? <LoadError error={configFailure} /> : <Spinner label="Loading the fee…" />}
            </div>
          )}
          <button type="submit" className="btn btn-primary" disabled={busy || !q}>
            {busy ? <Spinner label="Placing the order…" muted={false} /> : 'Buy'}
          </button>
        </form>
        <div className="col-lg-6">
          {order ? (
            <>
              {order.replayed && (
                <p className="small text-body-secondary" data-testid="order-replayed">
                  Your earlier try had already placed this order; it was not placed twice.
                </p>
              )}
              <OrderStatus key={order.order.id} initial={order.order} productName={order.productName} />
            </>
          ) : (
            <p className="text-body-secondary">
              Your order and its status appear here. The orders placed in this browser are in{' '}
              <Link to="/orders/mine">My orders</Link>.
            </p>
          )}
        </div>
      </div>
    </>
  );
}

/** The price with the fee and the total, before buying. */
function QuoteBox({ q, feeRate, quantity }: { q: Quote; feeRate: number; quantity: number }) {
  return (
    <div className="alert alert-info" aria-live="polite" data-testid="quote">
      <div>
        Your product price is <strong data-testid="unit-price">{formatMoney(q.unit)}</strong> ({formatMoney(q.price)} +{' '}
        {formatRate(feeRate)} fee {formatMoney(q.fee)})
      </div>
      <div>
        Total for {quantity}: <strong data-testid="total">{formatMoney(q.total)}</strong>
      </div>
    </div>
  );
}

/** The picker: the catalogue's first page, sold-out products shown but not choosable. */
function ProductSelect({
  products,
  loading,
  error,
  more,
  chosen,
  onChange,
}: {
  products: Product[] | undefined;
  loading: boolean;
  error: unknown;
  /** The catalogue has more than the list shows. */
  more: boolean;
  chosen: string;
  onChange: (id: string) => void;
}) {
  return (
    <div className="mb-3">
      <label htmlFor="checkout-product" className="form-label">
        Product
      </label>
      <select
        id="checkout-product"
        className="form-select"
        value={chosen}
        onChange={(e) => onChange(e.target.value)}
        disabled={!products}
      >
        <option value="">{loading ? 'Loading products…' : 'Choose a product…'}</option>
        {products?.map((p) => (
          // One chosen before it sold out stays shown as chosen (the warning says why Buy is off).
          <option key={p.id} value={p.id} disabled={isSoldOut(p) && p.id !== chosen}>
            {pickerLabel(p)}
          </option>
        ))}
      </select>
      {error !== undefined && !products && <LoadError error={error} />}
      {more && (
        <div className="form-text" data-testid="picker-more">
          The list shows the first {products?.length} products; paste the id of any other.
        </div>
      )}
    </div>
  );
}
