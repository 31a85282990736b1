// @vitest-environment jsdom
// The API clients (openapi-fetch over our fetch): the admin token asked for on a 401 and kept for
// the tab, sent only where the back office needs it; the customer's cart and cancel never with it; the
// API's error body handed over; an API down or answering 503 reported as unreachable (but a
// deployment refusing admin operations, 503 admin_not_configured, which is an answer); a list's
// next page read from its `Link`, at the URL given.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, GADGET, json, ORDER, stubFetch, WIDGET } from '../testing';
import { ApiError, setTokenPrompt, Unreachable } from './client';
import { reportUp } from './health';
import { createProduct, deleteProduct, getProduct, listProducts, productsPage } from './inventory';
import { cancelOrder, listOrders, placeOrder } from './payments';

const unauthorized = () => apiError(401, 'unauthorized', 'this change needs the header');

/** The error a request fails with (and a test failure if it does not fail). */
async function failure<E extends Error>(promise: Promise<unknown>, kind: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => new Error('the request did not fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(kind);
  return error as E;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setTokenPrompt(null);
  sessionStorage.clear();
  reportUp('Inventory');
  reportUp('Payments');
});

describe('the admin token', () => {
  it('is asked for on a 401, kept for the tab and sent again with the request', async () => {
    const answers = [unauthorized(), unauthorized(), json(WIDGET, 201)];
    const { sent } = stubFetch(() => answers.shift());
    const prompt = vi.fn().mockResolvedValueOnce('wrong').mockResolvedValueOnce('right');
    setTokenPrompt(prompt);

    await expect(createProduct({ name: 'Widget', price: 20, quantity: 10 })).resolves.toEqual(WIDGET);
    expect(prompt.mock.calls).toEqual([[false], [true]]); // the second time it says the token was wrong
    expect(sent.map((r) => r.headers.get('Authorization'))).toEqual([null, 'Bearer wrong', 'Bearer right']);
    // The body goes again with every try.
    expect(sent.map((r) => JSON.parse(r.body ?? 'null'))).toEqual(Array(3).fill({ name: 'Widget', price: 20, quantity: 10 }));
    expect(sessionStorage.getItem('adminToken')).toBe('right');
    expect(localStorage.length).toBe(0);
  });

  it('is sent at once by the back office once the tab has it', async () => {
    sessionStorage.setItem('adminToken', 'secret');
    const { sent } = stubFetch((r) => (r.method === 'DELETE' ? new Response(null, { status: 204 }) : json([ORDER])));
    await deleteProduct(WIDGET.id);
    await listOrders(50);
    expect(sent.map((r) => r.headers.get('Authorization'))).toEqual(['Bearer secret', 'Bearer secret']);
  });

  it('gives up with the 401 when the person cancels the dialog', async () => {
    stubFetch(unauthorized);
    setTokenPrompt(() => Promise.resolve(null));
    const error = await failure(listOrders(50), ApiError);
    expect(error.status).toBe(401);
  });

  it('is never sent with a read or a customer request, nor asked for by one', async () => {
    sessionStorage.setItem('adminToken', 'secret');
    const { sent } = stubFetch(unauthorized);
    const prompt = vi.fn();
    setTokenPrompt(prompt);
    await failure(getProduct(WIDGET.id), ApiError);
    await failure(listProducts(100), ApiError);
    await failure(placeOrder([{ productId: WIDGET.id, quantity: 1, name: 'Widget' }], 'key'), ApiError);
    expect(prompt).not.toHaveBeenCalled();
    expect(sent.map((r) => r.headers.get('Authorization'))).toEqual([null, null, null]);
  });

  it("is never sent with a customer's cancel, even when the API answers 401", async () => {
    const cancelled = { ...ORDER, status: 'cancelled' };
    const { sent } = stubFetch(() => json(cancelled));
    await expect(cancelOrder(ORDER.id)).resolves.toEqual(cancelled);
    expect(sent[0].headers.get('Authorization')).toBeNull();

    // An order's id is the customer's credential (issue 16): the tab's token is not the answer.
    sessionStorage.setItem('adminToken', 'secret');
    const prompt = vi.fn();
    setTokenPrompt(prompt);
    const refused = stubFetch(unauthorized);
    expect((await failure(cancelOrder(ORDER.id), ApiError)).status).toBe(401);
    expect(refused.sent.map((r) => r.headers.get('Authorization'))).toEqual([null]);
    expect(prompt).not.toHaveBeenCalled();

    // The back office's cancel (All orders) is the one that sends it.
    const admin = stubFetch(() => json(cancelled));
    await cancelOrder(ORDER.id, true);
    expect(admin.sent[0].headers.get('Authorization')).toBe('Bearer secret');
  });

  it('sends a cart as its lines, with the Idempotency-Key', async () => {
    const { sent } = stubFetch(() => json(ORDER, 201, { 'Idempotent-Replayed': 'true' }));
    const lines = [
      { productId: WIDGET.id, quantity: 3, name: 'Widget' },
      { productId: GADGET.id, quantity: 1, name: 'Gadget' },
    ];
    await expect(placeOrder(lines, 'the-key')).resolves.toEqual({ order: ORDER, replayed: true });
    expect(JSON.parse(sent[0].body!)).toEqual({
      lines: [
        { product_id: WIDGET.id, quantity: 3 },
        { product_id: GADGET.id, quantity: 1 },
      ],
    });
    expect(sent[0].headers.get('Idempotency-Key')).toBe('the-key');
  });
});

describe('answers', () => {
  it('hands over the API error body, with the field a 422 names', async () => {
    const body = { code: 'validation_failed', message: 'price must be greater than 0', field: 'price' };
    stubFetch(() => json({ error: body }, 422));
    const error = await failure(createProduct({ name: 'a', price: 0, quantity: 1 }), ApiError);
    expect(error.body).toEqual(body);
  });

  it("makes up an error for an answer that is not the API's", async () => {
    stubFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const error = await failure(getProduct(WIDGET.id), ApiError);
    expect(error.body).toEqual({ code: 'http_502', message: 'the server answered 502 Bad Gateway' });
  });

  it('calls an API that cannot be reached, or answers 503, unreachable', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const down = await failure(listProducts(100), Unreachable);
    expect(down.message).toBe('The Inventory API cannot be reached.');

    stubFetch(() => apiError(503, 'redis_unavailable', 'the database cannot be reached'));
    const degraded = await failure(placeOrder([{ productId: WIDGET.id, quantity: 1, name: 'Widget' }], 'key'), Unreachable);
    expect(degraded.message).toBe('The Payments API is unavailable: the database cannot be reached');
  });

  it('hands over a 503 admin_not_configured as an answer: the API is up, the change refused', async () => {
    const message = 'admin operations are off: this deployment has no ADMIN_TOKEN';
    stubFetch(() => apiError(503, 'admin_not_configured', message));
    const refused = await failure(createProduct({ name: 'a', price: 1, quantity: 1 }), ApiError);
    expect(refused.body).toMatchObject({ code: 'admin_not_configured', message });
  });
});

describe('lists in pages', () => {
  it("reads the next page's URL from the Link, resolved, and then asks for exactly that URL", async () => {
    const next = 'http://127.0.0.1:8000/products?limit=100&cursor=opaque%2F~cursor';
    const { sent } = stubFetch((r) =>
      r.url === next ? json([]) : json([WIDGET], 200, { Link: '</products?limit=100&cursor=opaque%2F~cursor>; rel="next"' }),
    );
    const page = await listProducts(100);
    expect(sent[0].url).toBe('http://127.0.0.1:8000/products?limit=100');
    expect(page).toEqual({ items: [WIDGET], next });
    await expect(productsPage(next)).resolves.toEqual({ items: [], next: null });
    expect(sent[1].url).toBe(next);
  });
});
