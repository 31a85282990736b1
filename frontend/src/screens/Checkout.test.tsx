// @vitest-environment jsdom
// The checkout: no quote and no Buy before the payment-worker's fee rate is known; what is
// available is the limit (the API's 409 too); one Idempotency-Key per purchase, kept for a retry;
// an order placed is remembered as one of My orders.
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { myOrderIds } from '../myOrders';
import { apiError, json, ORDER, PAYMENT_CONFIG, renderScreen, stubFetch, WIDGET, type Sent } from '../testing';
import { attemptFor, Checkout } from './Checkout';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

const buyButton = () => screen.getByRole('button', { name: 'Buy' }) as HTMLButtonElement;

/** Renders the checkout and chooses `quantity` of `product` in the picker. */
async function choose(quantity: string, product = WIDGET) {
  renderScreen(<Checkout />);
  // The picker is there at once, but empty (disabled) until the list answers.
  await screen.findByRole('option', { name: new RegExp(`^${product.name} —`) });
  fireEvent.change(screen.getByLabelText('Product'), { target: { value: product.id } });
  fireEvent.change(screen.getByLabelText('Quantity'), { target: { value: quantity } });
}

/** The workers: the payment config, `products` for the picker, and `other` for the rest. */
function stubApis(products: unknown[], other: (request: Sent) => Promise<Response> | undefined = () => undefined) {
  return stubFetch((request) => {
    if (request.url.endsWith('/config')) return json(PAYMENT_CONFIG);
    if (request.url.includes('/products?')) return json(products);
    return other(request);
  });
}

describe('the checkout quote', () => {
  it("waits for the payment-worker's fee rate, then uses it", async () => {
    let answerConfig: (r: Response) => void = () => {};
    const config = new Promise<Response>((r) => (answerConfig = r));
    stubFetch(({ url }) => (url.endsWith('/config') ? config : json([WIDGET])));
    await choose('3');

    expect(screen.getByText('Loading the fee…')).toBeTruthy();
    expect(screen.queryByTestId('quote')).toBeNull();
    expect(buyButton().disabled).toBe(true);

    answerConfig(json({ ...PAYMENT_CONFIG, fee_rate: 0.25, fee_rate_basis_points: 2500 }));
    const quote = await screen.findByTestId('quote');
    expect(quote.textContent).toContain('($20.00 + 25% fee $5.00)');
    expect(screen.getByTestId('total').textContent).toBe('$75.00');
    expect(buyButton().disabled).toBe(false);
  });
});

describe('what can be ordered', () => {
  const RESERVED = { ...WIDGET, quantity: 10, available: 2 };
  const SOLD_OUT = { ...WIDGET, id: '01JDQ3T0X6M6V1W3C6W7N5K8ZQ', name: 'Gadget', quantity: 4, available: 0 };

  it('is what is available, not what is on hand: the picker says so and more is refused before sending', async () => {
    const { sent } = stubApis([RESERVED, SOLD_OUT]);
    await choose('3', RESERVED);
    await screen.findByTestId('stock-problem');
    expect(screen.getByTestId('stock-problem').textContent).toBe('Only 2 available right now.');
    expect(screen.queryByTestId('quote')).toBeNull();
    expect(buyButton().disabled).toBe(true);

    const options = screen.getAllByRole('option') as HTMLOptionElement[];
    expect(options.map((o) => [o.textContent, o.disabled])).toEqual([
      ['Choose a product…', false],
      ['Widget — $20.00 (2 available)', false],
      ['Gadget — $20.00 (sold out)', true],
    ]);

    fireEvent.change(screen.getByLabelText('Quantity'), { target: { value: '2' } });
    await screen.findByTestId('quote');
    expect(screen.queryByTestId('stock-problem')).toBeNull();
    expect(sent.some((r) => r.method === 'POST')).toBe(false);
  });

  it('says a product is sold out when a pasted id names one', async () => {
    stubApis([], ({ url }) => (url.endsWith(`/products/${SOLD_OUT.id}`) ? Promise.resolve(json(SOLD_OUT)) : undefined));
    renderScreen(<Checkout />);
    fireEvent.change(await screen.findByLabelText('…or paste a product id'), { target: { value: SOLD_OUT.id } });
    expect((await screen.findByTestId('stock-problem')).textContent).toBe('Sold out right now.');
    expect(buyButton().disabled).toBe(true);
  });

  it("shows the API's 409 insufficient_stock at the quantity and reads the catalogue again", async () => {
    let reads = 0;
    stubFetch(({ url, method }) => {
      if (url.endsWith('/config')) return json(PAYMENT_CONFIG);
      if (method === 'POST') return apiError(409, 'insufficient_stock', 'only 1 available');
      // Another customer reserved 9 between the list and the Buy.
      if (url.includes('/products?')) return json([++reads === 1 ? WIDGET : { ...WIDGET, available: 1 }]);
      return undefined;
    });
    await choose('3');
    await waitFor(() => expect(buyButton().disabled).toBe(false));
    fireEvent.click(buyButton());
    expect(await screen.findByText('Only 1 available')).toBeTruthy();
    expect((await screen.findByTestId('stock-problem')).textContent).toBe('Only 1 available right now.');
  });
});

describe('the Idempotency-Key of a checkout', () => {
  it('is kept for the same product and quantity, new otherwise', () => {
    let n = 0;
    const key = () => `k${++n}`;
    const first = attemptFor(null, 'p', 3, key);
    expect(first.key).toBe('k1');
    expect(attemptFor(first, 'p', 3, key)).toBe(first);
    expect(attemptFor(first, 'p', 4, key).key).toBe('k2');
    expect(attemptFor(first, 'q', 3, key).key).toBe('k3');
  });

  it('is sent again when Buy is pressed after a failure, and new after a purchase or a change', async () => {
    const posts: { key: string; body: string }[] = [];
    const answers: (() => Promise<Response>)[] = [
      () => Promise.reject(new TypeError('Failed to fetch')), // the answer is lost
      () => Promise.resolve(json(ORDER, 201, { 'Idempotent-Replayed': 'true' })),
      () => Promise.resolve(json({ ...ORDER, id: '01JDQ3T0X6M6V1W3C6W7N5K8Z1' }, 201)),
      () => Promise.resolve(json({ ...ORDER, id: '01JDQ3T0X6M6V1W3C6W7N5K8Z2', quantity: 2 }, 201)),
    ];
    stubApis([WIDGET], ({ url, method, headers, body }) => {
      if (method === 'POST') {
        posts.push({ key: headers.get('Idempotency-Key')!, body: body! });
        return answers[posts.length - 1]();
      }
      if (url.includes('/orders/')) return Promise.resolve(json(ORDER));
      return undefined;
    });
    await choose('3');
    const buy = async () => {
      await screen.findByTestId('quote');
      await waitFor(() => expect(buyButton().disabled).toBe(false));
      fireEvent.click(buyButton());
    };

    await buy();
    expect(await screen.findByText('The Payments API cannot be reached.')).toBeTruthy();
    await buy(); // the same order again
    await screen.findByTestId('order-replayed');
    expect(screen.getByTestId('order').textContent).toContain(ORDER.id);
    await buy(); // bought again after the purchase: a new one
    await waitFor(() => expect(posts).toHaveLength(3));
    fireEvent.change(screen.getByLabelText('Quantity'), { target: { value: '2' } });
    await buy();
    await waitFor(() => expect(posts).toHaveLength(4));

    const [first, retry, again, changed] = posts.map((p) => p.key);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(retry).toBe(first);
    expect(again).not.toBe(first);
    expect(changed).not.toBe(again);
    expect(new Set([first, again, changed]).size).toBe(3);
    expect(JSON.parse(posts[0].body)).toEqual({ id: WIDGET.id, quantity: 3 });

    // Every order placed is one of My orders, newest first; the lost try placed nothing of its own.
    expect(myOrderIds()).toEqual(['01JDQ3T0X6M6V1W3C6W7N5K8Z2', '01JDQ3T0X6M6V1W3C6W7N5K8Z1', ORDER.id]);
  });
});
