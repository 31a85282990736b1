// @vitest-environment jsdom
// The checkout as a cart: products added from the picker (or a pasted id) are merged, priced with
// the payment worker's fee and totalled; no total and no Check out before the fee rate is known;
// what is available is the limit before sending; the API's 409 and 404 shown at the lines they
// name, with the catalogue read again; one Idempotency-Key per cart, kept for a retry of the same
// cart in any order of lines; the cart kept across a reload and emptied once bought; every order
// placed remembered as one of My orders.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cartStore } from '../cart';
import { myOrderIds } from '../myOrders';
import { apiError, CART_ORDER, GADGET, json, ORDER, PAYMENT_CONFIG, renderScreen, stubFetch, WIDGET, type Sent } from '../testing';
import { Checkout } from './Checkout';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

const checkoutButton = () => screen.getByRole('button', { name: 'Check out' }) as HTMLButtonElement;
const lineOf = (name: string) => within(screen.getByTestId('cart')).getByRole('row', { name: new RegExp(name) });

/** The workers: the payment config, `products` for the picker (a function: as they are now), and
 * `other` for the rest. */
function stubApis(products: () => unknown[], other: (request: Sent) => Response | Promise<Response> | undefined = () => undefined) {
  return stubFetch((request) => {
    if (request.url.endsWith('/config')) return json(PAYMENT_CONFIG);
    if (request.url.includes('/products?')) return json(products());
    return other(request);
  });
}

/** Adds `quantity` of `product` with the picker; the test fails if it is not added. */
async function add(product: { id: string; name: string }, quantity: string) {
  await screen.findByRole('option', { name: new RegExp(`^${product.name} —`) });
  fireEvent.change(screen.getByLabelText('Product'), { target: { value: product.id } });
  fireEvent.change(screen.getByLabelText('Quantity'), { target: { value: quantity } });
  fireEvent.click(screen.getByRole('button', { name: 'Add to cart' }));
  await screen.findByText(`Added ${product.name} × ${quantity} to your cart.`);
}

/** Check out, once the cart can be. */
async function checkOut() {
  await waitFor(() => expect(checkoutButton().disabled).toBe(false));
  fireEvent.click(checkoutButton());
}

describe('the cart', () => {
  it('merges a product added twice, prices each line with the fee and totals the cart', async () => {
    stubApis(() => [WIDGET, GADGET]);
    renderScreen(<Checkout />);
    await add(WIDGET, '2');
    await add(GADGET, '1');
    await add(WIDGET, '1');

    const rows = within(screen.getByTestId('cart')).getAllByRole('row').slice(1, -1);
    expect(rows.map((r) => r.getAttribute('data-product-id'))).toEqual([WIDGET.id, GADGET.id]);
    const widget = within(lineOf('Widget'));
    await waitFor(() => expect(widget.getByTestId('line-total').textContent).toBe('$72.00'));
    expect(widget.getByText('$20.00 + $4.00 fee')).toBeTruthy();
    expect((widget.getByLabelText('Quantity of Widget') as HTMLInputElement).value).toBe('3');
    expect(within(lineOf('Gadget')).getByTestId('line-total').textContent).toBe('$15.00');
    expect(screen.getByTestId('cart-total').textContent).toBe('$87.00');

    // Change a line in place, then remove one: the totals follow.
    fireEvent.change(widget.getByLabelText('Quantity of Widget'), { target: { value: '1' } });
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('$39.00'));
    fireEvent.change(widget.getByLabelText('Quantity of Widget'), { target: { value: '' } });
    expect(widget.getByText('Quantity is required')).toBeTruthy();
    expect(checkoutButton().disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Gadget' }));
    fireEvent.change(widget.getByLabelText('Quantity of Widget'), { target: { value: '2' } });
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('$48.00'));
    expect(cartStore.get().lines).toEqual([{ productId: WIDGET.id, quantity: 2, name: 'Widget' }]);
  });

  it("waits for the payment worker's fee rate before any total or Check out, then uses it", async () => {
    let answerConfig: (r: Response) => void = () => {};
    const config = new Promise<Response>((r) => (answerConfig = r));
    stubFetch(({ url }) => (url.endsWith('/config') ? config : json([WIDGET])));
    renderScreen(<Checkout />);
    await add(WIDGET, '3');

    expect(screen.getAllByText('Loading the fee…').length).toBeGreaterThan(0);
    expect(screen.getByTestId('cart-total').textContent).toBe('');
    expect(checkoutButton().disabled).toBe(true);

    answerConfig(json({ ...PAYMENT_CONFIG, fee_rate: 0.25, fee_rate_basis_points: 2500 }));
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('$75.00'));
    expect(within(lineOf('Widget')).getByText('$20.00 + $5.00 fee')).toBeTruthy();
    expect(checkoutButton().disabled).toBe(false);
  });

  it('is kept across a reload (localStorage), its products read again', async () => {
    stubApis(() => [WIDGET, GADGET]);
    const first = renderScreen(<Checkout />);
    await add(GADGET, '2');
    first.unmount();

    renderScreen(<Checkout />);
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('$30.00'));
    expect((screen.getByLabelText('Quantity of Gadget') as HTMLInputElement).value).toBe('2');
  });

  it('refuses what the payment worker would, before sending: more than available, more lines than order_lines_max', async () => {
    const { sent } = stubFetch(({ url }) => {
      if (url.endsWith('/config')) return json({ ...PAYMENT_CONFIG, limits: { ...PAYMENT_CONFIG.limits, order_lines_max: 1 } });
      return json([{ ...WIDGET, available: 2 }, { ...GADGET, available: 0 }]);
    });
    renderScreen(<Checkout />);
    await screen.findByRole('option', { name: /^Widget —/ });
    const options = screen.getAllByRole('option') as HTMLOptionElement[];
    expect(options.map((o) => [o.textContent, o.disabled])).toEqual([
      ['Choose a product…', false],
      ['Widget — $20.00 (2 available)', false],
      ['Gadget — $12.50 (sold out)', true],
    ]);

    fireEvent.change(screen.getByLabelText('Product'), { target: { value: WIDGET.id } });
    fireEvent.change(screen.getByLabelText('Quantity'), { target: { value: '3' } });
    expect((await screen.findByTestId('stock-problem')).textContent).toBe('Only 2 available right now.');
    expect((screen.getByRole('button', { name: 'Add to cart' }) as HTMLButtonElement).disabled).toBe(true);
    await add(WIDGET, '2');
    fireEvent.change(screen.getByLabelText('Product'), { target: { value: WIDGET.id } });
    fireEvent.change(screen.getByLabelText('Quantity'), { target: { value: '1' } });
    expect((await screen.findByTestId('stock-problem')).textContent).toBe('Only 2 available right now. 2 already in your cart.');

    // A line raised past what is available in the cart itself: said at the line, no Check out.
    fireEvent.change(screen.getByLabelText('Quantity of Widget'), { target: { value: '5' } });
    expect((await within(lineOf('Widget')).findByTestId('line-problem')).textContent).toBe('Only 2 available right now.');
    expect(checkoutButton().disabled).toBe(true);

    // A cart from before the limit was lowered (another tab, an older page): one line too many.
    cartStore.set({
      lines: [
        { productId: WIDGET.id, quantity: 1, name: 'Widget' },
        { productId: '01JDQ3T0X6M6V1W3C6W7N5K8ZR', quantity: 1, name: 'Gizmo' },
      ],
      attempt: null,
    });
    expect((await screen.findByTestId('cart-problem')).textContent).toBe('An order holds at most 1 products: remove 1 from your cart.');
    expect(checkoutButton().disabled).toBe(true);
    expect(sent.some((r) => r.method === 'POST')).toBe(false);
  });

  it('says a product is sold out when a pasted id names one', async () => {
    const soldOut = { ...GADGET, available: 0 };
    stubApis(
      () => [],
      ({ url }) => (url.endsWith(`/products/${soldOut.id}`) ? json(soldOut) : undefined),
    );
    renderScreen(<Checkout />);
    fireEvent.change(await screen.findByLabelText('…or paste a product id'), { target: { value: soldOut.id.toLowerCase() } });
    expect((await screen.findByTestId('stock-problem')).textContent).toBe('Sold out right now.');
  });
});

describe('checking out', () => {
  it('sends every line in one POST and shows the order, its lines and its total; the cart is then empty', async () => {
    const posts: Sent[] = [];
    stubApis(
      () => [WIDGET, GADGET],
      (r) => {
        if (r.method === 'POST') return posts.push(r), json(CART_ORDER, 201);
        if (r.url.endsWith(`/orders/${CART_ORDER.id}`)) return json(CART_ORDER);
        return undefined;
      },
    );
    renderScreen(<Checkout />);
    await add(WIDGET, '3');
    await add(GADGET, '1');
    await checkOut();

    const order = within(await screen.findByTestId('order'));
    expect(order.getByTestId('order-status').textContent).toBe('Pending');
    expect(order.getByTestId('order-total').textContent).toBe('$87.00');
    expect(order.getAllByRole('row').map((r) => r.getAttribute('data-product-id')).filter(Boolean)).toEqual([WIDGET.id, GADGET.id]);
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0].body!)).toEqual({
      lines: [
        { product_id: WIDGET.id, quantity: 3 },
        { product_id: GADGET.id, quantity: 1 },
      ],
    });
    expect(screen.getByTestId('cart-empty')).toBeTruthy();
    expect(cartStore.get()).toEqual({ lines: [], attempt: null });
    expect(myOrderIds()).toEqual([CART_ORDER.id]);
  });

  it("shows the API's 409 at each short line, with what is available now, and reads the catalogue again", async () => {
    let reads = 0;
    stubApis(
      // Another customer reserved all but one gadget between the list and Check out.
      () => (++reads === 1 ? [WIDGET, GADGET] : [WIDGET, { ...GADGET, available: 1 }]),
      ({ method }) =>
        method === 'POST'
          ? json(
              { error: { code: 'insufficient_stock', message: 'not enough available', details: [{ product_id: GADGET.id, available: 1 }] } },
              409,
            )
          : undefined,
    );
    renderScreen(<Checkout />);
    await add(WIDGET, '3');
    await add(GADGET, '2');
    const readsBefore = reads;
    await checkOut();

    expect((await within(lineOf('Gadget')).findByTestId('line-problem')).textContent).toBe('Only 1 available right now.');
    expect(within(lineOf('Widget')).queryByTestId('line-problem')).toBeNull();
    expect(screen.getByTestId('checkout-error').textContent).toContain('Nothing was ordered');
    expect(checkoutButton().disabled).toBe(true);
    await waitFor(() => expect(reads).toBeGreaterThan(readsBefore));
    // Nothing was bought: the cart is as it was.
    expect(cartStore.get().lines.map((l) => l.quantity)).toEqual([3, 2]);
  });

  it("names at its line a product the shop does not know any more (the API's 404)", async () => {
    let deleted = false;
    stubApis(
      () => (deleted ? [WIDGET] : [WIDGET, GADGET]),
      ({ method, url }) => {
        if (method === 'POST') {
          deleted = true;
          return json({ error: { code: 'not_found', message: 'no product', details: [{ product_id: GADGET.id }] } }, 404);
        }
        if (url.endsWith(`/products/${GADGET.id}`)) return apiError(404, 'not_found', 'no product with this id');
        return undefined;
      },
    );
    renderScreen(<Checkout />);
    await add(WIDGET, '1');
    await add(GADGET, '1');
    await checkOut();
    expect((await within(lineOf('Gadget')).findByTestId('line-problem')).textContent).toBe(
      'This product is no longer in the shop: remove it from your cart.',
    );
    expect(checkoutButton().disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Gadget' }));
    await waitFor(() => expect(checkoutButton().disabled).toBe(false));
  });

  it('keeps the Idempotency-Key for a retry of the same cart, in any order of lines; a new one otherwise', async () => {
    const posts: { key: string; body: unknown }[] = [];
    const answers: (() => Promise<Response>)[] = [
      () => Promise.reject(new TypeError('Failed to fetch')), // the answer is lost
      () => Promise.resolve(json(CART_ORDER, 201, { 'Idempotent-Replayed': 'true' })),
      () => Promise.resolve(json({ ...ORDER, id: '01JDQ3T0X6M6V1W3C6W7N5K8Z1' }, 201)),
    ];
    stubApis(
      () => [WIDGET, GADGET],
      ({ url, method, headers, body }) => {
        if (method === 'POST') {
          posts.push({ key: headers.get('Idempotency-Key')!, body: JSON.parse(body!) });
          return answers[posts.length - 1]();
        }
        if (url.includes('/orders/')) return json(url.endsWith(CART_ORDER.id) ? CART_ORDER : ORDER);
        return undefined;
      },
    );
    const first = renderScreen(<Checkout />);
    await add(WIDGET, '3');
    await add(GADGET, '1');
    await checkOut();
    expect(await screen.findByText('The Payments API cannot be reached.')).toBeTruthy();

    // After a reload, the same products in another order of lines: the same checkout.
    first.unmount();
    cartStore.set({ ...cartStore.get(), lines: [...cartStore.get().lines].reverse() });
    renderScreen(<Checkout />);
    await checkOut();
    await screen.findByTestId('order-replayed');
    expect(screen.getByTestId('order').textContent).toContain(CART_ORDER.id);

    // The cart was bought: the next one is a new purchase, with a new key.
    await add(WIDGET, '3');
    await checkOut();
    await waitFor(() => expect(posts).toHaveLength(3));

    const [lost, retry, next] = posts.map((p) => p.key);
    expect(lost).toMatch(/^[0-9a-f-]{36}$/);
    expect(retry).toBe(lost);
    expect(next).not.toBe(lost);
    expect(posts[1].body).toEqual({
      lines: [
        { product_id: GADGET.id, quantity: 1 },
        { product_id: WIDGET.id, quantity: 3 },
      ],
    });
    // Every order placed is one of My orders, newest first; the lost try placed nothing of its own.
    await waitFor(() => expect(myOrderIds()).toEqual(['01JDQ3T0X6M6V1W3C6W7N5K8Z1', CART_ORDER.id]));
  });

  it('gives a changed cart a new key', async () => {
    const keys: string[] = [];
    stubApis(
      () => [WIDGET, GADGET],
      ({ method, headers }) => {
        if (method !== 'POST') return undefined;
        keys.push(headers.get('Idempotency-Key')!);
        return Promise.reject(new TypeError('Failed to fetch'));
      },
    );
    renderScreen(<Checkout />);
    await add(WIDGET, '3');
    await checkOut();
    await screen.findByText('The Payments API cannot be reached.');
    fireEvent.change(screen.getByLabelText('Quantity of Widget'), { target: { value: '2' } });
    await checkOut();
    await waitFor(() => expect(keys).toHaveLength(2));
    expect(keys[1]).not.toBe(keys[0]);
  });
});
