// @vitest-environment jsdom
// My orders: the orders placed in this browser (ids in localStorage), newest first, each read by
// its id without the admin token and followed while pending; a cart shows its lines with the names
// the order keeps (no catalogue read); Cancel by the id alone; an id the shop does not know can be
// forgotten; only a page of them is read at a time.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Order } from '../api/payments';
import { myOrderIds, rememberOrder } from '../myOrders';
import { apiError, CART_ORDER, json, ORDER, renderScreen, stubFetch } from '../testing';
import { ORDERS_REFRESH_MS } from './AllOrders';
import { MY_ORDERS_PAGE, MyOrders } from './MyOrders';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  localStorage.clear();
});

const OLDER: Order = { ...ORDER, id: '01JDQ3T0X6M6V1W3C6W7N5K8YZ', status: 'completed', quantity: 1, total: 24, updated_at: '2026-01-01T00:00:00Z' };
/** The list's rows (not those of an order's lines). */
const rows = () => [...document.querySelectorAll<HTMLElement>('tr[data-order-id]')];
const rowOf = (id: string) => rows().find((r) => r.getAttribute('data-order-id') === id)!;

/** The payment worker as far as My orders asks it: each order by id (`orders`, as they are now)
 * and its cancel. */
function stubShop(orders: Map<string, Order>) {
  return stubFetch(({ url, method }) => {
    const id = /\/orders\/([^/]+)/.exec(url)?.[1];
    const order = id === undefined ? undefined : orders.get(id);
    if (!id) return undefined;
    if (!order) return apiError(404, 'not_found', 'no order with this id');
    if (method === 'POST' && url.endsWith('/cancel')) {
      const cancelled = { ...order, status: 'cancelled' as const };
      orders.set(id, cancelled);
      return json(cancelled);
    }
    return json(order);
  });
}

describe('my orders', () => {
  it('shows the orders placed here, newest first, each read by its id, a pending one followed live', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    rememberOrder(OLDER.id);
    rememberOrder(ORDER.id);
    const orders = new Map([
      [ORDER.id, ORDER],
      [OLDER.id, OLDER],
    ]);
    const { sent } = stubShop(orders);
    renderScreen(<MyOrders />);

    await waitFor(() => expect(within(rowOf(ORDER.id)).getByText('Pending')).toBeTruthy());
    expect(rows().map((r) => r.getAttribute('data-order-id'))).toEqual([ORDER.id, OLDER.id]);
    expect(within(rowOf(OLDER.id)).getByText('Completed')).toBeTruthy();
    expect(within(rowOf(ORDER.id)).getByText('Widget × 3')).toBeTruthy();
    const reads = sent.filter((r) => r.url.includes('/orders/'));
    expect(reads.map((r) => new URL(r.url).pathname).sort()).toEqual([`/orders/${OLDER.id}`, `/orders/${ORDER.id}`].sort());
    expect(sent.every((r) => r.headers.get('Authorization') === null)).toBe(true);
    expect(sent.some((r) => r.url.includes('/products'))).toBe(false);

    // The payment goes through: the pending one is read again until it shows.
    orders.set(ORDER.id, { ...ORDER, status: 'completed', updated_at: new Date(Date.now() - 10 * 60_000).toISOString() });
    await act(() => vi.advanceTimersByTimeAsync(ORDERS_REFRESH_MS));
    await waitFor(() => expect(within(rowOf(ORDER.id)).getByText('Completed')).toBeTruthy());
    // A settled order is not read again.
    expect(sent.filter((r) => r.url.endsWith(`/orders/${OLDER.id}`))).toHaveLength(1);
  });

  it('shows a cart as its lines, with the names and prices the order keeps, in a details toggle', async () => {
    // Names as they were when ordered: the catalogue has since renamed or deleted them.
    const cart = { ...CART_ORDER, status: 'completed' as const, updated_at: '2026-01-01T00:00:00Z' };
    rememberOrder(cart.id);
    const { sent } = stubShop(new Map([[cart.id, cart]]));
    renderScreen(<MyOrders />);
    await screen.findByText('Widget × 3, Gadget × 1');
    const row = within(rowOf(cart.id));
    const products = row.getByTestId('order-products');
    expect(products.querySelector('summary')!.textContent).toBe('Widget × 3, Gadget × 1');
    expect(products.hasAttribute('open')).toBe(false);
    fireEvent.click(products.querySelector('summary')!);
    await waitFor(() => expect(products.hasAttribute('open')).toBe(true));
    const lines = within(row.getByTestId('order-lines'))
      .getAllByRole('row')
      .map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(lines).toEqual([
      ['Product', 'Unit price', 'Quantity', 'Total'],
      ['Widget', '$24.00$20.00 + $4.00 fee', '3', '$72.00'],
      ['Gadget', '$15.00$12.50 + $2.50 fee', '1', '$15.00'],
      ['Total', '$87.00'],
    ]);
    expect(row.getAllByText('$87.00').length).toBeGreaterThan(0);
    expect(sent.some((r) => r.url.includes('/products'))).toBe(false);
  });

  it('cancels a pending order by its id alone', async () => {
    rememberOrder(ORDER.id);
    const { sent } = stubShop(new Map([[ORDER.id, ORDER]]));
    renderScreen(<MyOrders />);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(within(rowOf(ORDER.id)).getByText('Cancelled')).toBeTruthy());
    const cancel = sent.find((r) => r.method === 'POST');
    expect(new URL(cancel!.url).pathname).toBe(`/orders/${ORDER.id}/cancel`);
    expect(cancel!.headers.get('Authorization')).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says when the shop does not know an order, which can then be forgotten', async () => {
    rememberOrder('01JDQ3T0X6M6V1W3C6W7N5K8XX');
    rememberOrder(ORDER.id);
    stubShop(new Map([[ORDER.id, ORDER]]));
    renderScreen(<MyOrders />);
    const unknown = within(rowOf('01JDQ3T0X6M6V1W3C6W7N5K8XX'));
    await unknown.findByText('The shop does not know this order (any more).');
    fireEvent.click(unknown.getByRole('button', { name: 'Forget' }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(myOrderIds()).toEqual([ORDER.id]);
  });

  it(`reads ${MY_ORDERS_PAGE} at a time; Load more reads the next ones`, async () => {
    const ids = Array.from({ length: MY_ORDERS_PAGE + 5 }, (_, i) => `01JDQ3T0X6M6V1W3C6W7N5K${String(i).padStart(3, '0')}`);
    ids.forEach(rememberOrder);
    const { sent } = stubShop(new Map(ids.map((id) => [id, { ...OLDER, id }])));
    renderScreen(<MyOrders />);
    expect((await screen.findByTestId('shown-count')).textContent).toBe(`${MY_ORDERS_PAGE} orders shown; more to load`);
    await waitFor(() => expect(screen.getAllByText('Completed')).toHaveLength(MY_ORDERS_PAGE));
    expect(sent.filter((r) => r.url.includes('/orders/'))).toHaveLength(MY_ORDERS_PAGE);
    expect(rows()[0].getAttribute('data-order-id')).toBe(ids.at(-1)); // the newest first

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getAllByText('Completed')).toHaveLength(ids.length));
    expect(screen.getByTestId('shown-count').textContent).toBe(`${ids.length} orders shown`);
  });

  it('says where orders come from when there are none yet', async () => {
    stubShop(new Map());
    renderScreen(<MyOrders />);
    expect(screen.getByText(/No orders placed in this browser yet/).textContent).toContain('Place one.');
  });
});
