// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attemptFor, Checkout } from './Checkout';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
const WIDGET = { id: '01JDQ3T0X6M6V1W3C6W7N5K8ZP', name: 'Widget', price: 20, quantity: 10 };
const LIMITS = { name_max_chars: 200, price_max: 1_000_000, quantity_max: 1_000_000_000 };

describe('the checkout quote', () => {
  it("waits for the payment-worker's fee rate, then uses it", async () => {
    let answerConfig: (r: Response) => void = () => {};
    const config = new Promise<Response>((r) => (answerConfig = r));
    vi.stubGlobal('fetch', (url: string) => (url.endsWith('/config') ? config : Promise.resolve(json([WIDGET]))));
    render(
      <MemoryRouter>
        <Checkout />
      </MemoryRouter>,
    );
    fireEvent.change(await screen.findByLabelText('Product'), { target: { value: WIDGET.id } });
    fireEvent.change(screen.getByLabelText('Quantity'), { target: { value: '3' } });

    expect(screen.getByText('Loading the fee…')).toBeTruthy();
    expect(screen.queryByTestId('quote')).toBeNull();
    expect((screen.getByRole('button', { name: 'Buy' }) as HTMLButtonElement).disabled).toBe(true);

    answerConfig(json({ fee_rate: 0.25, fee_rate_basis_points: 2500, limits: LIMITS }));
    const quote = await screen.findByTestId('quote');
    expect(quote.textContent).toContain('($20.00 + 25% fee $5.00)');
    expect(screen.getByTestId('total').textContent).toBe('$75.00');
    expect((screen.getByRole('button', { name: 'Buy' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('the Idempotency-Key of a checkout', () => {
  const ORDER = {
    id: '01JDQ3T0X6M6V1W3C6W7N5K8Z0',
    product_id: WIDGET.id,
    price: 20,
    fee: 4,
    total: 72,
    quantity: 3,
    status: 'pending',
    refund_reason: null,
    created_at: '2026-11-28T07:00:00Z',
    updated_at: '2026-11-28T07:00:00Z',
  };

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
      () => Promise.resolve(new Response(JSON.stringify(ORDER), { status: 201, headers: { 'Idempotent-Replayed': 'true' } })),
      () => Promise.resolve(new Response(JSON.stringify({ ...ORDER, id: '01JDQ3T0X6M6V1W3C6W7N5K8Z1' }), { status: 201 })),
      () => Promise.resolve(new Response(JSON.stringify({ ...ORDER, id: '01JDQ3T0X6M6V1W3C6W7N5K8Z2', quantity: 2 }), { status: 201 })),
    ];
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      if (url.endsWith('/config')) return Promise.resolve(json({ fee_rate: 0.2, fee_rate_basis_points: 2000, limits: LIMITS }));
      if (init.method === 'POST') {
        posts.push({ key: (init.headers as Record<string, string>)['Idempotency-Key'], body: String(init.body) });
        return answers[posts.length - 1]();
      }
      if (url.includes('/orders/')) return Promise.resolve(json(ORDER));
      return Promise.resolve(json([WIDGET]));
    });
    render(
      <MemoryRouter>
        <Checkout />
      </MemoryRouter>,
    );
    fireEvent.change(await screen.findByLabelText('Product'), { target: { value: WIDGET.id } });
    fireEvent.change(screen.getByLabelText('Quantity'), { target: { value: '3' } });
    const buy = async () => {
      await screen.findByTestId('quote');
      await waitFor(() => expect((screen.getByRole('button', { name: 'Buy' }) as HTMLButtonElement).disabled).toBe(false));
      fireEvent.click(screen.getByRole('button', { name: 'Buy' }));
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
  });
});
