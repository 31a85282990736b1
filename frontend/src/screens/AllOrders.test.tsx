// @vitest-environment jsdom
// All orders, the back office's list: Cancel on a pending order shows it cancelled; a 409
// not_cancellable shows its message and the status read again; a 401 (the shop's ADMIN_TOKEN is
// set) asks for the admin token in the dialog and the list comes with it.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Order } from '../api/payments';
import { TokenDialog } from '../components/TokenDialog';
import { apiError, CART_ORDER, json, ORDER, renderScreen, stubFetch } from '../testing';
import { AllOrders } from './AllOrders';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

const CANCEL_URL = `/orders/${ORDER.id}/cancel`;

/** The list of one order, as `current()` says it is now (in the list, which refreshes every 2 s,
 * and alone); `cancel` answers its POST …/cancel. */
function stubOrders(cancel: () => Response, current: () => Order) {
  return stubFetch(({ url, method }) => {
    if (url.endsWith(CANCEL_URL) && method === 'POST') return cancel();
    if (url.endsWith(`/orders/${ORDER.id}`)) return json(current());
    if (url.includes('/orders?')) return json([current()]);
    return undefined;
  });
}

/** The order's row, once the list shows it. */
async function orderRow() {
  await screen.findByText('Widget × 3');
  return within(document.querySelector<HTMLElement>(`tr[data-order-id="${ORDER.id}"]`)!);
}

describe('cancelling an order in All orders', () => {
  it('cancels a pending order and shows it cancelled, with no Cancel left', async () => {
    let order = ORDER;
    const { sent } = stubOrders(
      () => json((order = { ...ORDER, status: 'cancelled' })),
      () => order,
    );
    renderScreen(<AllOrders />);
    const row = await orderRow();
    expect(row.getByText('Pending').className).toContain('text-bg-warning');

    fireEvent.click(row.getByRole('button', { name: 'Cancel' }));
    const badge = await row.findByText('Cancelled');
    expect(badge.className).toContain('badge');
    expect(row.queryByRole('button', { name: 'Cancel' })).toBeNull();
    const posts = sent.filter((r) => r.method === 'POST');
    expect(posts.map((r) => new URL(r.url).pathname)).toEqual([CANCEL_URL]);
  });

  it("shows the API's 409 not_cancellable and the status the order has now", async () => {
    // The payment went through between the list and the click.
    let paid = false;
    stubOrders(
      () => {
        paid = true;
        return apiError(409, 'not_cancellable', 'the order is completed; only a pending order can be cancelled');
      },
      () => ({ ...ORDER, status: paid ? 'completed' : 'pending' }),
    );
    renderScreen(<AllOrders />);
    const row = await orderRow();

    fireEvent.click(row.getByRole('button', { name: 'Cancel' }));
    expect((await row.findByRole('alert')).textContent).toBe('The order is completed; only a pending order can be cancelled');
    await row.findByText('Completed');
    expect(row.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });
});

describe('the admin token', () => {
  it('is asked for when the list answers 401, and the list is read with it', async () => {
    const { sent } = stubFetch(({ url, headers }) => {
      if (!url.includes('/orders?')) return undefined;
      return headers.get('Authorization') === 'Bearer the-token' ? json([CART_ORDER]) : apiError(401, 'unauthorized', 'this needs the admin token');
    });
    renderScreen(
      <>
        <AllOrders />
        <TokenDialog />
      </>,
    );
    expect(screen.getByTestId('all-orders-about').textContent).toContain('every order placed in the shop');
    const dialog = within(await screen.findByRole('dialog', { name: 'Admin token needed' }));
    fireEvent.change(dialog.getByLabelText('Admin token'), { target: { value: 'the-token' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Continue' }));

    await screen.findByText('Widget × 3, Gadget × 1');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(sessionStorage.getItem('adminToken')).toBe('the-token');
    const lists = sent.filter((r) => r.url.includes('/orders?'));
    expect(lists.map((r) => r.headers.get('Authorization'))).toEqual([null, 'Bearer the-token']);
  });

  it('says the list needs it when the dialog is cancelled, and asks again on request', async () => {
    stubFetch(({ url }) => (url.includes('/orders?') ? apiError(401, 'unauthorized', 'this needs the admin token') : undefined));
    renderScreen(
      <>
        <AllOrders />
        <TokenDialog />
      </>,
    );
    const dialog = await screen.findByRole('dialog', { name: 'Admin token needed' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This needs the admin token.');
    expect(screen.queryByRole('table')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Enter the admin token' }));
    await screen.findByRole('dialog', { name: 'Admin token needed' });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });
});
