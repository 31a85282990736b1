// Client-side checks that mirror the workers' (same rules, same words), and the mapping of the
// API's 422 answers `{"error": {"code", "message", "field"}}` to the form's fields.
import { ApiError, describeError, type ApiErrorBody } from './api/client';
import type { components } from './api/generated/inventory';

/**
 * The limits from the API's GET /config, or `undefined` while they load or when it cannot be
 * reached: then only the format is checked here and the API judges the size (its 422 shows under
 * the field). Never a copy of the numbers, which the workers own.
 */
export type Limits = components['schemas']['Limits'] | undefined;

export type ProductField = 'name' | 'price' | 'quantity';
/** Messages per field; `form` holds what belongs to no single field. */
export type FieldErrors<F extends string = ProductField> = Partial<Record<F | 'form', string>>;

export interface ProductInput {
  name: string;
  price: string;
  quantity: string;
}

export interface ProductValues {
  name: string;
  priceCents: number;
  quantity: number;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** "Price must be …" from the API's "price must be …". */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** A decimal number typed by a person, split exactly (no floats): "19.990" → 19 and "99". */
function splitDecimal(text: string): { negative: boolean; whole: string; fraction: string } | null {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return null;
  return { negative: m[1] === '-', whole: m[2].replace(/^0+(?=\d)/, ''), fraction: (m[3] ?? '').replace(/0+$/, '') };
}

export function parseName(text: string, limits: Limits): Parsed<string> {
  const name = text.trim();
  if (name === '') return { ok: false, error: 'Name must not be empty' };
  if (limits && [...name].length > limits.name_max_chars) {
    return { ok: false, error: `Name must be at most ${limits.name_max_chars} characters` };
  }
  if (/\p{Cc}/u.test(name)) return { ok: false, error: 'Name must not contain control characters' };
  return { ok: true, value: name };
}

/** A unit price in cents: > 0, at most 2 decimals, at most `price_max`. */
export function parsePrice(text: string, limits: Limits): Parsed<number> {
  if (text.trim() === '') return { ok: false, error: 'Price is required' };
  const d = splitDecimal(text);
  if (!d) return { ok: false, error: 'Price must be a number, like 20 or 19.99' };
  if (d.fraction.length > 2) return { ok: false, error: 'Price must have at most 2 decimals' };
  const cents = Number(d.whole) * 100 + Number(d.fraction.padEnd(2, '0'));
  if (d.negative || cents === 0) return { ok: false, error: 'Price must be greater than 0' };
  // A number too long for a double is still compared right (it only grows, up to Infinity).
  if (limits && cents > limits.price_max * 100) return { ok: false, error: `Price must be at most ${limits.price_max}` };
  return { ok: true, value: cents };
}

/** A whole number of units from `min` (0 for stock, 1 for an order) to `quantity_max`. */
export function parseQuantity(text: string, limits: Limits, min = 0): Parsed<number> {
  if (text.trim() === '') return { ok: false, error: 'Quantity is required' };
  const d = splitDecimal(text);
  if (!d || d.fraction !== '') return { ok: false, error: 'Quantity must be a whole number' };
  if (d.negative && Number(d.whole) > 0) return { ok: false, error: `Quantity must be ${min} or more` };
  const n = Number(d.whole);
  if (n < min) return { ok: false, error: `Quantity must be ${min} or more` };
  if (limits && n > limits.quantity_max) return { ok: false, error: `Quantity must be at most ${limits.quantity_max}` };
  return { ok: true, value: n };
}

/** A change of stock: a signed whole number of units ("+20", "-2"), not 0, at most `quantity_max`
 * either way. */
export function parseDelta(text: string, limits: Limits): Parsed<number> {
  if (text.trim() === '') return { ok: false, error: 'Units are required' };
  const d = splitDecimal(text);
  if (!d || d.fraction !== '') return { ok: false, error: 'Units must be a whole number, like 20 or -2' };
  const n = Number(d.whole);
  if (n === 0) return { ok: false, error: 'Units must not be 0' };
  if (limits && n > limits.quantity_max) return { ok: false, error: `Units must be at most ${limits.quantity_max} either way` };
  return { ok: true, value: d.negative ? -n : n };
}

/** Checks a whole product form: the values to send, or a message per bad field. */
export function validateProduct(input: ProductInput, limits: Limits): { values: ProductValues } | { errors: FieldErrors } {
  const name = parseName(input.name, limits);
  const price = parsePrice(input.price, limits);
  const quantity = parseQuantity(input.quantity, limits);
  if (name.ok && price.ok && quantity.ok) {
    return { values: { name: name.value, priceCents: price.value, quantity: quantity.value } };
  }
  const errors: FieldErrors = {};
  if (!name.ok) errors.name = name.error;
  if (!price.ok) errors.price = price.error;
  if (!quantity.ok) errors.quantity = quantity.error;
  return { errors };
}

/**
 * A product change's refusal next to its field: an error that is not the API's on the form; a 409
 * `quantity_below_reserved` (it names no field: less on hand than pending orders hold) under
 * `stockField`, the one input that can fix it; a 422 under the field it names.
 */
export function stockChangeErrors<F extends string>(error: unknown, stockField: F, fields: readonly F[]): FieldErrors<F> {
  if (!(error instanceof ApiError)) return { form: describeError(error) } as FieldErrors<F>;
  if (error.body.code === 'quantity_below_reserved') return { [stockField]: sentence(error.body.message) } as FieldErrors<F>;
  return fieldErrorsFromApi(error.body, fields);
}

/**
 * Puts an API error next to the field it names (a 422's `field`), or on the form as a whole when
 * it names none of `fields` (e.g. `body`, or a 409). Aliases map API field names to form fields
 * (`product_id` → `id`).
 */
export function fieldErrorsFromApi<F extends string>(
  error: ApiErrorBody,
  fields: readonly F[],
  aliases: Record<string, F> = {},
): FieldErrors<F> {
  const field = error.field && (aliases[error.field] ?? error.field);
  const known = fields.find((f) => f === field);
  const message = sentence(error.message);
  return known ? ({ [known]: message } as FieldErrors<F>) : ({ form: message } as FieldErrors<F>);
}
