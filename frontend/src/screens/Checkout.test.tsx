// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Checkout } from './Checkout';

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
