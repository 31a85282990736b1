// Money in integer cents, as the workers keep it. The API shows decimal numbers (20, 19.99):
// convert them once with `toCents` and never compute with floats. The fee rate is the
// payment-worker's (`fee_rate_basis_points` of its GET /config), never a copy of it.

/** An API amount (20, 19.99) in cents. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** The fee on a unit price at `rateBp` basis points (2000 = 20%), rounded to the nearest cent,
 * halves up, as the payment-worker does. */
export function feeCents(priceCents: number, rateBp: number): number {
  return Math.floor((priceCents * rateBp + 5000) / 10000);
}

export interface Quote {
  price: number;
  fee: number;
  /** price + fee: what one unit costs. */
  unit: number;
  /** (price + fee) × quantity */
  total: number;
}

/** What an order of `quantity` units at `priceCents` each will cost, in cents. */
export function quote(priceCents: number, quantity: number, rateBp: number): Quote {
  const fee = feeCents(priceCents, rateBp);
  const unit = priceCents + fee;
  return { price: priceCents, fee, unit, total: unit * quantity };
}

/** Cents as dollars: 7200 → "$72.00", 123456789 → "$1,234,567.89". */
export function formatMoney(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toLocaleString('en-US');
  const rest = String(abs % 100).padStart(2, '0');
  return `${sign}$${dollars}.${rest}`;
}

/** A rate in basis points for display: 2000 → "20%", 2550 → "25.5%". */
export function formatRate(rateBp: number): string {
  return `${rateBp / 100}%`;
}
