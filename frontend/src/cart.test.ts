// @vitest-environment jsdom
// The cart's rules: adding a product merges it into its line; what is available, `quantity_max`
// and `order_lines_max` refuse before sending; lines change and go; totals in integer cents as the
// payment worker charges them; one Idempotency-Key for "the same cart" in any order of lines (the
// API's fingerprint), a new one for any other; the API's refusal placed at its lines; the cart
// kept in localStorage, a damaged entry starting afresh.
import { afterEach, describe, expect, it } from 'vitest';
import {
  addLine,
  attemptFor,
  cartProblem,
  cartStore,
  fingerprint,
  GONE,
  lineProblem,
  mergeLines,
  orderBody,
  quoteCart,
  refusal,
  removeLine,
  setQuantity,
  updateLines,
  type CartLine,
} from './cart';
import { GADGET, LIMITS, WIDGET } from './testing';

afterEach(() => localStorage.clear());

const GIZMO = { ...WIDGET, id: '01JDQ3T0X6M6V1W3C6W7N5K8ZR', name: 'Gizmo', price: 19.99, available: 5 };
const line = (product: { id: string; name: string }, quantity: number): CartLine => ({ productId: product.id, quantity, name: product.name });

/** `addLine`'s lines, failing the test when it refused. */
function added(lines: readonly CartLine[], product: typeof WIDGET, quantity: number, limits = LIMITS): CartLine[] {
  const result = addLine(lines, product, quantity, limits);
  if ('error' in result) throw new Error(`refused: ${result.error}`);
  return result.lines;
}

describe('adding to the cart', () => {
  it('adds a line per product, in the order added, and merges a product added again into its line', () => {
    let lines = added([], WIDGET, 2);
    lines = added(lines, GADGET, 1);
    lines = added(lines, WIDGET, 3);
    expect(lines).toEqual([line(WIDGET, 5), line(GADGET, 1)]);
  });

  it('keeps ids in upper case, so that a pasted lower-case id is the same line', () => {
    const lines = added(added([], { ...WIDGET, id: WIDGET.id.toLowerCase() }, 1), WIDGET, 1);
    expect(lines).toEqual([line(WIDGET, 2)]);
  });

  it('refuses more than is available, counting what the cart holds already', () => {
    const lines = added([], GIZMO, 4);
    expect(addLine(lines, GIZMO, 2, LIMITS)).toEqual({ error: 'Only 5 available right now. 4 already in your cart.' });
    expect(addLine([], GIZMO, 6, LIMITS)).toEqual({ error: 'Only 5 available right now.' });
    expect(addLine([], { ...GIZMO, available: 0 }, 1, LIMITS)).toEqual({ error: 'Sold out right now.' });
    expect(added(lines, GIZMO, 1)).toEqual([line(GIZMO, 5)]);
  });

  it("refuses past the payment worker's quantity_max and order_lines_max, whatever they are", () => {
    const tight = { ...LIMITS, quantity_max: 3, order_lines_max: 2 };
    expect(addLine([], WIDGET, 4, tight)).toEqual({ error: 'Quantity must be at most 3' });
    const two = added(added([], WIDGET, 3, tight), GADGET, 1, tight);
    expect(addLine(two, GIZMO, 1, tight)).toEqual({ error: 'An order holds at most 2 products: check out or remove one first.' });
    // A product already in the cart is no new line.
    expect(added(two, GADGET, 2, tight)).toEqual([line(WIDGET, 3), line(GADGET, 3)]);
    // Limits not known yet (the config loads): only what is available; the API judges the rest.
    expect(addLine(two, GIZMO, 1, undefined)).toEqual({ lines: [...two, line(GIZMO, 1)] });
  });
});

describe('changing the cart', () => {
  it('sets a line quantity and removes a line, leaving the others as they are', () => {
    const lines = [line(WIDGET, 2), line(GADGET, 1), line(GIZMO, 1)];
    expect(setQuantity(lines, GADGET.id, 7)).toEqual([line(WIDGET, 2), line(GADGET, 7), line(GIZMO, 1)]);
    expect(removeLine(lines, GADGET.id)).toEqual([line(WIDGET, 2), line(GIZMO, 1)]);
  });

  it('says which line cannot be ordered as it is, and when the cart has too many lines', () => {
    expect(lineProblem({ quantity: 3 }, { available: 3 }, LIMITS)).toBeUndefined();
    expect(lineProblem({ quantity: 4 }, { available: 3 }, LIMITS)).toBe('Only 3 available right now.');
    expect(lineProblem({ quantity: 4 }, { available: 9 }, { ...LIMITS, quantity_max: 3 })).toBe('Quantity must be at most 3');
    const three = [line(WIDGET, 1), line(GADGET, 1), line(GIZMO, 1)];
    expect(cartProblem(three, LIMITS)).toBeUndefined();
    expect(cartProblem(three, { ...LIMITS, order_lines_max: 2 })).toBe('An order holds at most 2 products: remove 1 from your cart.');
    expect(cartProblem(three, undefined)).toBeUndefined();
  });

  it('is sent as its lines, product ids and quantities', () => {
    expect(orderBody([line(WIDGET, 3), line(GADGET, 1)])).toEqual({
      lines: [
        { product_id: WIDGET.id, quantity: 3 },
        { product_id: GADGET.id, quantity: 1 },
      ],
    });
  });
});

describe('what the cart costs, in cents', () => {
  const priceOf = (id: string) => ({ [WIDGET.id]: 2000, [GADGET.id]: 1250, [GIZMO.id]: 1999 })[id];

  it('charges each line (price + fee) × quantity and the order the sum, as the payment worker does', () => {
    const quoted = quoteCart([line(WIDGET, 3), line(GADGET, 1), line(GIZMO, 2)], priceOf, 2000)!;
    expect(quoted.lines.get(WIDGET.id)).toEqual({ price: 2000, fee: 400, unit: 2400, total: 7200 }); // the tutorial's $72
    expect(quoted.lines.get(GADGET.id)).toEqual({ price: 1250, fee: 250, unit: 1500, total: 1500 });
    expect(quoted.lines.get(GIZMO.id)).toEqual({ price: 1999, fee: 400, unit: 2399, total: 4798 }); // 399.8 rounds up, per unit
    expect(quoted.total).toBe(7200 + 1500 + 4798);
  });

  it('rounds the fee per unit at the rate given, never on the sum', () => {
    // 25% of $12.34 is 308.5 cents: 309 a unit, so 3 cost 3 × 1543, not 3702 × 1.25 rounded.
    const quoted = quoteCart([line(WIDGET, 3)], () => 1234, 2500)!;
    expect(quoted.total).toBe(4629);
  });

  it('has no total while a price is unknown', () => {
    expect(quoteCart([line(WIDGET, 1), { productId: '01JDQ3T0X6M6V1W3C6W7N5K8ZZ', quantity: 1, name: 'x' }], priceOf, 2000)).toBeNull();
    expect(quoteCart([], priceOf, 2000)).toEqual({ lines: new Map(), total: 0 });
  });
});

describe('the Idempotency-Key of a checkout', () => {
  const keys = () => {
    let n = 0;
    return () => `k${++n}`;
  };

  it('is the same for the same products and quantities in any order of lines, as the API compares them', () => {
    expect(fingerprint([line(WIDGET, 3), line(GADGET, 1)])).toBe(fingerprint([line(GADGET, 1), line(WIDGET, 3)]));
    // A product split over two lines is the merged line (the API merges them before comparing).
    expect(fingerprint([line(WIDGET, 1), line(GADGET, 1), line(WIDGET, 2)])).toBe(fingerprint([line(WIDGET, 3), line(GADGET, 1)]));
    expect(mergeLines([line(WIDGET, 1), line(GADGET, 1), line(WIDGET, 2)])).toEqual([line(WIDGET, 3), line(GADGET, 1)]);
    // The name is not part of what is ordered.
    expect(fingerprint([{ ...line(WIDGET, 3), name: 'Renamed' }])).toBe(fingerprint([line(WIDGET, 3)]));
  });

  it('is kept while the cart is the same, and new once it is not', () => {
    const key = keys();
    const cart = [line(WIDGET, 3), line(GADGET, 1)];
    const first = attemptFor(null, cart, key);
    expect(first.key).toBe('k1');
    expect(attemptFor(first, cart, key)).toBe(first);
    expect(attemptFor(first, [...cart].reverse(), key)).toBe(first);
    expect(attemptFor(first, setQuantity(cart, GADGET.id, 2), key).key).toBe('k2');
    expect(attemptFor(first, removeLine(cart, GADGET.id), key).key).toBe('k3');
    expect(attemptFor(first, [...cart, line(GIZMO, 1)], key).key).toBe('k4');
  });
});

describe("the API's refusal", () => {
  const sent = [line(WIDGET, 3), line(GADGET, 2)];

  it('puts a 409 at each short line, with what is available', () => {
    const r = refusal(
      {
        code: 'insufficient_stock',
        message: 'not enough available of: … ; nothing was ordered',
        details: [{ product_id: GADGET.id, available: 1 }],
      },
      sent,
    );
    expect(r.available).toEqual(new Map([[GADGET.id, 1]]));
    expect(r.lines.size).toBe(0);
    expect(r.form).toContain('Nothing was ordered');
  });

  it('names an unknown product at its line (404)', () => {
    const r = refusal({ code: 'not_found', message: 'no product …', details: [{ product_id: WIDGET.id.toLowerCase() }] }, sent);
    expect(r.lines).toEqual(new Map([[WIDGET.id, GONE]]));
  });

  it("puts a 422 at the line its field names, and anything else on the cart", () => {
    const r = refusal({ code: 'validation_failed', message: 'quantity must be at most 3', field: 'lines[1].quantity' }, sent);
    expect(r.lines).toEqual(new Map([[GADGET.id, 'Quantity must be at most 3']]));
    expect(refusal({ code: 'validation_failed', message: 'lines must hold 1 to 50 lines', field: 'lines' }, sent)).toEqual({
      available: new Map(),
      lines: new Map(),
      form: 'Lines must hold 1 to 50 lines',
    });
    expect(refusal({ code: 'http_502', message: 'the server answered 502 Bad Gateway' }, sent).form).toBe('The server answered 502 Bad Gateway');
  });
});

describe('the stored cart', () => {
  it('is kept in localStorage with its attempt, so that a reload finds both', () => {
    updateLines((lines) => added(lines, WIDGET, 3));
    const attempt = attemptFor(null, cartStore.get().lines, () => 'k1');
    cartStore.set({ ...cartStore.get(), attempt });
    expect(JSON.parse(localStorage.getItem('cart')!)).toEqual({ lines: [line(WIDGET, 3)], attempt });
    expect(sessionStorage.length).toBe(0);
    // Read back from the text (as a reload does): the same cart.
    const text = localStorage.getItem('cart')!;
    localStorage.setItem('cart', `${text} `);
    expect(cartStore.get()).toEqual({ lines: [line(WIDGET, 3)], attempt });
  });

  it('starts afresh from a damaged entry, keeping only well-formed lines, each product once', () => {
    localStorage.setItem('cart', '{not json');
    expect(cartStore.get()).toEqual({ lines: [], attempt: null });
    localStorage.setItem(
      'cart',
      JSON.stringify({
        lines: [line(WIDGET, 1), { productId: 'nope', quantity: 1, name: 'x' }, { ...line(GADGET, 0) }, line(WIDGET, 2), null],
        attempt: { key: 3 },
      }),
    );
    expect(cartStore.get()).toEqual({ lines: [line(WIDGET, 3)], attempt: null });
  });
});
