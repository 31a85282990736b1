// The cart (issue 16): products and quantities gathered before one `POST /orders` of all of them.
// A product is in it once (adding it again adds to its quantity, as the API merges lines); it is
// checked against what is available and the payment worker's limits (`quantity_max` per line,
// `order_lines_max` lines) before anything is sent; one checkout attempt keeps one
// Idempotency-Key for as long as the cart is the same, "the same" meaning the same products and
// quantities in any order of lines, as the API's fingerprint compares them. The cart and its
// attempt are kept in localStorage (see `cartStore`). Money in cents (pricing.ts).
import type { ApiErrorBody } from './api/client';
import type { Product } from './api/inventory';
import { quote, type Quote } from './pricing';
import { stockProblem } from './stock';
import { stored } from './stored';
import { sentence, type Limits } from './validation';

/** A product id as the API writes it (a ULID; the API reads any case, we keep upper case). */
export const PRODUCT_ID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export interface CartLine {
  /** Upper case (`PRODUCT_ID`). */
  productId: string;
  quantity: number;
  /** The product's name when it was added: shown while the product loads, or once it is gone. */
  name: string;
}

/** One checkout attempt: its Idempotency-Key and the cart it was made for. */
export interface Attempt {
  key: string;
  fingerprint: string;
}

export interface CartState {
  lines: readonly CartLine[];
  /** The attempt not yet known to have placed its order (kept across a reload: a retry after a
   * lost answer sends the same key); null once it has, or before the first Check out. */
  attempt: Attempt | null;
}

/** Lines of the same product as one, quantities added, where the product first came (the API
 * merges them the same way). */
export function mergeLines(lines: readonly CartLine[]): CartLine[] {
  const merged = new Map<string, CartLine>();
  for (const line of lines) {
    const known = merged.get(line.productId);
    merged.set(line.productId, known ? { ...known, quantity: known.quantity + line.quantity } : line);
  }
  return [...merged.values()];
}

/** What makes two carts "the same" checkout: their products and quantities, whatever the order
 * of their lines (the API's Idempotency-Key fingerprint is order-insensitive over merged lines). */
export function fingerprint(lines: readonly CartLine[]): string {
  return mergeLines(lines)
    .map((l) => `${l.productId}×${l.quantity}`)
    .sort()
    .join(',');
}

/** The attempt for checking out `lines`: `current` again for the same cart (a retry after a
 * network error, a timeout or a 503, so that it never orders twice), a fresh key otherwise. */
export function attemptFor(current: Attempt | null, lines: readonly CartLine[], newKey: () => string): Attempt {
  const print = fingerprint(lines);
  return current?.fingerprint === print ? current : { key: newKey(), fingerprint: print };
}

/** `POST /orders`'s body for the cart. */
export const orderBody = (lines: readonly CartLine[]) => ({
  lines: lines.map((l) => ({ product_id: l.productId, quantity: l.quantity })),
});

type Stock = Pick<Product, 'available'>;

/**
 * Adds `quantity` of `product` (once in the cart: to its line). Refused, with the reason, when
 * the line would go past what is available or `quantity_max`, or a new line past
 * `order_lines_max` (limits undefined while the config loads: the API checks them then).
 */
export function addLine(
  lines: readonly CartLine[],
  product: Pick<Product, 'id' | 'name'> & Stock,
  quantity: number,
  limits: Limits,
): { lines: CartLine[] } | { error: string } {
  const id = product.id.toUpperCase();
  const known = lines.find((l) => l.productId === id);
  const total = (known?.quantity ?? 0) + quantity;
  const inCart = known ? ` ${known.quantity} already in your cart.` : '';
  const problem = lineProblem({ quantity: total }, product, limits);
  if (problem) return { error: `${problem}${inCart}` };
  if (!known && limits && lines.length >= limits.order_lines_max) {
    return { error: `An order holds at most ${limits.order_lines_max} products: check out or remove one first.` };
  }
  if (known) return { lines: lines.map((l) => (l === known ? { ...l, quantity: total } : l)) };
  return { lines: [...lines, { productId: id, quantity, name: product.name }] };
}

export const setQuantity = (lines: readonly CartLine[], productId: string, quantity: number): CartLine[] =>
  lines.map((l) => (l.productId === productId ? { ...l, quantity } : l));

export const removeLine = (lines: readonly CartLine[], productId: string): CartLine[] =>
  lines.filter((l) => l.productId !== productId);

/** Why a line cannot be ordered as it is (more than available, past `quantity_max`), or
 * undefined when it can. */
export function lineProblem(line: Pick<CartLine, 'quantity'>, product: Stock, limits: Limits): string | undefined {
  if (limits && line.quantity > limits.quantity_max) return `Quantity must be at most ${limits.quantity_max}`;
  return stockProblem(product, line.quantity);
}

/** Why the cart as a whole cannot be ordered (more lines than `order_lines_max`), or undefined. */
export function cartProblem(lines: readonly CartLine[], limits: Limits): string | undefined {
  if (!limits || lines.length <= limits.order_lines_max) return undefined;
  const extra = lines.length - limits.order_lines_max;
  return `An order holds at most ${limits.order_lines_max} products: remove ${extra} from your cart.`;
}

export interface CartQuote {
  /** Each line's price, fee, unit price and total, by product id. */
  lines: Map<string, Quote>;
  /** The sum of the lines' totals: what the order will cost. */
  total: number;
}

/** What the cart will cost at `rateBp` basis points, in cents, as the payment worker charges it
 * (each line: (price + fee) × quantity; the order: the sum); null while a price is unknown. */
export function quoteCart(
  lines: readonly CartLine[],
  priceCents: (productId: string) => number | undefined,
  rateBp: number,
): CartQuote | null {
  const quotes = new Map<string, Quote>();
  let total = 0;
  for (const line of lines) {
    const price = priceCents(line.productId);
    if (price === undefined) return null;
    const q = quote(price, line.quantity, rateBp);
    quotes.set(line.productId, q);
    total += q.total;
  }
  return { lines: quotes, total };
}

/** The API's refusal of a checkout, line by line. */
export interface Refusal {
  /** From a 409 `insufficient_stock`: what is available now of each short line's product. */
  available: Map<string, number>;
  /** Messages for lines: a product the shop does not know (404), a line's invalid field (422). */
  lines: Map<string, string>;
  /** For the cart as a whole (with details: that nothing was ordered, in the customer's words,
   * as the API's message names products by id). */
  form?: string;
}

/** The words for a line whose product the shop does not know (any more). */
export const GONE = 'This product is no longer in the shop: remove it from your cart.';

/** Where an error of `POST /orders` belongs: each short line (`details`' `available`), each
 * unknown product (`details`), the line a 422's `field` names (`lines[2].quantity`, an index of
 * `sent`), or else the cart as a whole. */
export function refusal(error: ApiErrorBody, sent: readonly CartLine[]): Refusal {
  const result: Refusal = { available: new Map(), lines: new Map() };
  const details = 'details' in error ? (error.details ?? []) : [];
  const index = /^lines\[(\d+)\]/.exec(error.field ?? '')?.[1];
  if (error.code === 'insufficient_stock' && details.length > 0) {
    for (const d of details) result.available.set(d.product_id.toUpperCase(), d.available ?? 0);
    result.form = 'Nothing was ordered: your cart asks for more than is available now (see its lines).';
  } else if (error.code === 'not_found' && details.length > 0) {
    for (const d of details) result.lines.set(d.product_id.toUpperCase(), GONE);
    result.form = 'Nothing was ordered: your cart holds a product the shop no longer has (see its lines).';
  } else if (index !== undefined && sent[Number(index)]) {
    result.lines.set(sent[Number(index)].productId, sentence(error.message));
  } else {
    result.form = sentence(error.message);
  }
  return result;
}

/** A cart read back from storage: only well-formed lines, each product once. */
function parseCart(json: unknown): CartState {
  const value = json as Partial<Record<keyof CartState, unknown>> | null;
  const lines = (Array.isArray(value?.lines) ? value.lines : []).filter(
    (l): l is CartLine =>
      typeof l?.productId === 'string' &&
      PRODUCT_ID.test(l.productId) &&
      Number.isSafeInteger(l.quantity) &&
      l.quantity > 0 &&
      typeof l.name === 'string',
  );
  const a = value?.attempt as Partial<Attempt> | null | undefined;
  const attempt = typeof a?.key === 'string' && typeof a.fingerprint === 'string' ? { key: a.key, fingerprint: a.fingerprint } : null;
  return { lines: mergeLines(lines.map(({ productId, quantity, name }) => ({ productId, quantity, name }))), attempt };
}

export const EMPTY_CART: CartState = { lines: [], attempt: null };

/**
 * The cart of this browser, in localStorage: a reload, a closed tab or a later visit finds it
 * again (as a shop's cart does), every tab shows the same one, and the attempt's key comes back
 * with it, so that Check out after a reload that followed a lost answer is still a retry.
 */
export const cartStore = stored<CartState>('cart', parseCart, EMPTY_CART);

/** Changes the cart's lines (the attempt stays: `attemptFor` tells whether it still applies). */
export function updateLines(change: (lines: readonly CartLine[]) => readonly CartLine[]) {
  const cart = cartStore.get();
  cartStore.set({ ...cart, lines: change(cart.lines) });
}
