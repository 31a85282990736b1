// The checkout's form that adds a product to the cart: picked from the catalogue's first page, or
// found by pasting its id (the tutorial's way), with its unit price with the fee and the total for
// the quantity as soon as both are chosen. What the cart cannot take (more than is available,
// counting what the cart holds of it already, or past the payment worker's limits) is refused
// here, before it is in the cart.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, describeError } from '../api/client';
import type { Product } from '../api/inventory';
import { addLine, PRODUCT_ID, type CartLine } from '../cart';
import { formatMoney, formatRate, quote, toCents, type Quote } from '../pricing';
import { productQuery } from '../queries';
import { isSoldOut, pickerLabel } from '../stock';
import { parseQuantity, type Limits } from '../validation';
import { LoadError } from './LoadError';
import { Spinner } from './Spinner';
import { TextField } from './TextField';

/** The catalogue's first page as the checkout reads it (the picker's list). */
export interface Picker {
  products: Product[] | undefined;
  loading: boolean;
  error: unknown;
  /** The catalogue has more than the list shows. */
  more: boolean;
}

export function AddToCart({
  picker,
  lines,
  limits,
  feeRate,
  configFailure,
  disabled,
  onAdd,
}: {
  picker: Picker;
  lines: readonly CartLine[];
  /** The payment worker's, undefined while they load (the API checks them then). */
  limits: Limits;
  feeRate: number | undefined;
  configFailure: unknown;
  /** While an order is being placed. */
  disabled: boolean;
  /** The cart's lines with the product added. */
  onAdd: (lines: CartLine[]) => void;
}) {
  const [productId, setProductId] = useState('');
  const [quantityText, setQuantityText] = useState('1');
  const [tried, setTried] = useState(false);
  const [added, setAdded] = useState<string | null>(null);

  const id = productId.trim().toUpperCase();
  const listed = picker.products?.find((p) => p.id === id);
  // A pasted id that is not in the list (yet): ask the inventory for it.
  const lookup = useQuery({ ...productQuery(id), enabled: id !== '' && !listed && PRODUCT_ID.test(id) && !picker.loading });
  const product: Product | undefined = listed ?? (lookup.isEnabled ? lookup.data : undefined);
  const quantity = parseQuantity(quantityText, limits, 1);
  // What the cart would become: refused (with why) when it cannot take this many more.
  const result = product && quantity.ok ? addLine(lines, product, quantity.value, limits) : undefined;
  const problem = result && 'error' in result ? result.error : undefined;

  let idProblem: string | undefined;
  if (id && !PRODUCT_ID.test(id)) idProblem = 'A product id is 26 letters and digits, like 01J9Z3K4M5N6P7Q8R9S0T1V2W3.';
  else if (lookup.isEnabled && lookup.error instanceof ApiError && lookup.error.status === 404) idProblem = 'No product with this id.';
  else if (lookup.isEnabled && (lookup.error ?? lookup.failureReason)) idProblem = describeError(lookup.error ?? lookup.failureReason);
  if (!idProblem && tried && !product) idProblem = 'Choose a product.';

  const change = (set: (value: string) => void) => (value: string) => {
    set(value);
    setTried(false);
    setAdded(null);
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!product || !quantity.ok || !result || !('lines' in result)) return;
    onAdd(result.lines);
    setAdded(`Added ${product.name} × ${quantity.value} to your cart.`);
    setProductId('');
    setQuantityText('1');
    setTried(false);
  };

  const q = product && quantity.ok && !problem && feeRate !== undefined ? quote(toCents(product.price), quantity.value, feeRate) : null;
  return (
    <form onSubmit={add} noValidate aria-label="Add to cart">
      <fieldset disabled={disabled}>
        <ProductSelect picker={picker} chosen={listed?.id ?? ''} onChange={change(setProductId)} />
        <TextField
          id="checkout-id"
          label="…or paste a product id"
          inputClass="id"
          error={idProblem}
          value={productId}
          onChange={(e) => change(setProductId)(e.target.value)}
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
          error={quantity.ok ? undefined : quantity.error}
          value={quantityText}
          onChange={(e) => change(setQuantityText)(e.target.value)}
        />
        {problem && (
          <div className="alert alert-warning" role="status" data-testid="stock-problem">
            {problem}
          </div>
        )}
        {q && feeRate !== undefined && quantity.ok && <QuoteBox q={q} feeRate={feeRate} quantity={quantity.value} />}
        {product && quantity.ok && !problem && !q && (
          <div className="mb-3" data-testid="quote-pending">
            {configFailure ? <LoadError error={configFailure} /> : <Spinner label="Loading the fee…" />}
          </div>
        )}
        <button type="submit" className="btn btn-outline-primary" disabled={!!problem}>
          Add to cart
        </button>
        {added && (
          <span className="ms-3 small text-success" role="status" data-testid="added">
            {added}
          </span>
        )}
      </fieldset>
    </form>
  );
}

/** The price with the fee and the total for the quantity, before adding. */
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
function ProductSelect({ picker, chosen, onChange }: { picker: Picker; chosen: string; onChange: (id: string) => void }) {
  const { products, loading, error, more } = picker;
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
          // One chosen before it sold out stays shown as chosen (the warning says why).
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
