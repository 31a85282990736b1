// What can still be ordered of a product. Placing an order reserves its stock until the order is
// completed or cancelled, so the limit is `available` (on hand − reserved by pending orders), never
// `quantity` (on hand): the payment worker refuses an order beyond `available` at once (409).
import type { Product } from './api/inventory';
import { formatMoney, toCents } from './pricing';

type Stock = Pick<Product, 'available'>;
type Shown = Pick<Product, 'name' | 'price' | 'quantity'>;

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

/** "+20", "−3": a signed change of stock. */
export const signed = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

/**
 * What an adjustment did, for the person who sent it. `seen`: on hand as the screen showed it when
 * they pressed the button; `saved`: the product the API answered. The worker adds the delta to
 * whatever is on hand in one script, so a sale or another change meanwhile is never lost: the
 * message then says that the count moved, and from what to what.
 */
export function adjustmentOutcome(seen: number, delta: number, saved: Shown): string {
  const done = `${saved.name}: ${signed(delta)} unit${Math.abs(delta) === 1 ? '' : 's'}; on hand is now ${saved.quantity}.`;
  const before = saved.quantity - delta;
  if (before === seen) return done;
  return (
    `${done} The stock changed while you edited: on hand was ${before} when the change was made, not the ` +
    `${seen} shown, so it was added to ${before}; nothing was lost.`
  );
}

/** Why a PATCH with `If-Match` was refused (412): what changed since the person began editing,
 * read again (`now`), and what to do. */
export function changedWhileEditing(base: Shown, now: Shown, quantity: number): string {
  const parts: string[] = [];
  if (now.quantity !== base.quantity) parts.push(`on hand is now ${now.quantity} (it was ${base.quantity} when you started)`);
  if (toCents(now.price) !== toCents(base.price)) parts.push(`the price is now ${formatMoney(toCents(now.price))}`);
  const what = now.quantity !== base.quantity ? 'stock' : 'product';
  return `The ${what} changed while you edited: ${parts.join(' and ')}. Nothing was saved. Save again to set on hand to ${quantity}, or change it.`;
}
