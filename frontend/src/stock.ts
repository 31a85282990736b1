// What can still be ordered of a product. Placing an order reserves its stock until the order is
// completed or cancelled, so the limit is `available` (on hand − reserved by pending orders), never
// `quantity` (on hand): the payment worker refuses an order beyond `available` at once (409).
import type { Product } from './api/inventory';
import { formatMoney, toCents } from './pricing';

type Stock = Pick<Product, 'available'>;

/** The Products table's explanation of its two stock columns. */
export const AVAILABLE_EXPLAINED = 'Available = on hand − reserved by pending orders.';

export const isSoldOut = (product: Stock): boolean => product.available <= 0;

/** Why `quantity` of the product cannot be ordered right now, or undefined when it can. */
export function stockProblem(product: Stock, quantity: number): string | undefined {
  if (isSoldOut(product)) return 'Sold out right now.';
  if (quantity > product.available) return `Only ${product.available} available right now.`;
  return undefined;
}

/** A product in the checkout's picker: its name, price and what is available. */
export function pickerLabel(product: Pick<Product, 'name' | 'price' | 'available'>): string {
  const stock = isSoldOut(product) ? 'sold out' : `${product.available} available`;
  return `${product.name} — ${formatMoney(toCents(product.price))} (${stock})`;
}
