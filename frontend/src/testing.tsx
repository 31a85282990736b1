// Shared by the component tests (not a test itself): the workers' answers as the contract shapes
// them, a stand-in `fetch` that routes requests by URL and method, and a screen in a router.
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import type { Product } from './api/inventory';
import type { Order } from './api/payments';

export const json = (body: unknown, status = 200, headers?: HeadersInit) =>
  new Response(JSON.stringify(body), { status, headers });

/** An API error answer, `{"error": {"code", "message"}}`. */
export const apiError = (status: number, code: string, message: string) => json({ error: { code, message } }, status);

/** As both workers' GET /config give them today. */
export const LIMITS = { name_max_chars: 200, price_max: 1_000_000, quantity_max: 1_000_000_000 };
export const PAYMENT_CONFIG = { fee_rate: 0.2, fee_rate_basis_points: 2000, limits: LIMITS };

export const WIDGET: Product = { id: '01JDQ3T0X6M6V1W3C6W7N5K8ZP', name: 'Widget', price: 20, quantity: 10, available: 10 };

export const ORDER: Order = {
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

/** Answers a request, or undefined for one it does not expect (then a 404 `not_found`). */
type Route = (url: string, init: RequestInit) => Response | Promise<Response> | undefined;

/** Puts `route` in place of `fetch`; the mock it returns has every request sent. */
export function stubFetch(route: Route) {
  const fetch = vi.fn(
    async (url: string, init: RequestInit = {}) => (await route(url, init)) ?? apiError(404, 'not_found', `no route for ${url}`),
  );
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

/** Renders a screen as the app does, inside a router. */
export function renderScreen(screen: ReactElement) {
  return render(<MemoryRouter>{screen}</MemoryRouter>);
}
