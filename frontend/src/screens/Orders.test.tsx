// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Order } from '../api/payments';
import { apiError, json, ORDER, renderScreen, stubFetch, WIDGET } from '../testing';
import { Orders } from './Orders';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const CANCEL_URL = `/orders/${ORDER.id}/cancel`;

/** The history of one order, as `current()` says it is now (in the list, which refreshes every 2 s,
 * and alone); `cancel` answers its POST …/cancel. */
function stubHistory(cancel: () => Response, current: () => Order) {
  return stubFetch((url, init) => {
    if (url.endsWith(CANCEL_URL) && init.method === 'POST') return cancel();
    if (url.endsWith(`/orders/${ORDER.id}`)) return json(current());
    if (url.includes('/orders?')) return json([current()]);
    if (url.includes('/products?')) return json([WIDGET]);
    return undefined;
  });
}

async function orderRow() {
  return within(await screen.findByRole('row', { name: /Widget/ }));
}

describe('cancelling an order in the history', () => {
  it('cancels a pending order and shows it cancelled, with no Cancel left', async () => {
    let order = ORDER;
    const fetch = stubHistory(
      () => json((order = { ...ORDER, status: 'cancelled' })),
      () => order,
    );
    renderScreen(<Orders />);
    const row = await orderRow();
    expect(row.getByText('Pending').className).toContain('text-bg-warning');

    fireEvent.click(row.getByRole('button', { name: 'Cancel' }));
    const badge = await row.findByText('Cancelled');
    expect(badge.className).toContain('badge');
    expect(row.queryByRole('button', { name: 'Cancel' })).toBeNull();
    const posts = fetch.mock.calls.filter(([, init]) => init?.method === 'POST');
    expect(posts.map(([url]) => new URL(url).pathname)).toEqual([CANCEL_URL]);
  });

  it("shows the API's 409 not_cancellable and the status the order has now", async () => {
    // The payment went through between the list and the click.
    let paid = false;
    stubHistory(
      () => {
        paid = true;
        return apiError(409, 'not_cancellable', 'the order is completed; only a pending order can be cancelled');
      },
      () => ({ ...ORDER, status: paid ? 'completed' : 'pending' }),
    );
    renderScreen(<Orders />);
    const row = await orderRow();

    fireEvent.click(row.getByRole('button', { name: 'Cancel' }));
    expect((await row.findByRole('alert')).textContent).toBe('The order is completed; only a pending order can be cancelled');
    await row.findByText('Completed');
    expect(row.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });
});
