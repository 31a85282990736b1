// Shared by the component tests (not a test itself): the workers' answers as the contract shapes
// them, a stand-in `fetch` that routes requests by URL and method, and a screen as the app renders
// it (in a router, with its own TanStack Query client).
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import type { Product } from './api/inventory';
import type { Order } from './api/payments';
import { createQueryClient } from './queries';

export const json = (body: unknown, status = 200, headers?: HeadersInit) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** An API error answer, `{"error": {"code", "message"}}`. */
export const apiError = (status: number, code: string, message: string) => json({ error: { code, message } }, status);

/** As both workers' GET /config give them today. */
export const LIMITS = { name_max_chars: 200, price_max: 1_000_000, quantity_max: 1_000_000_000, order_lines_max: 50 };
export const PAYMENT_CONFIG = { fee_rate: 0.2, fee_rate_basis_points: 2000, limits: LIMITS };

export const WIDGET: Product = { id: '01JDQ3T0X6M6V1W3C6W7N5K8ZP', name: 'Widget', price: 20, quantity: 10, available: 10, etag: '"3.0"' };
export const GADGET: Product = { id: '01JDQ3T0X6M6V1W3C6W7N5K8ZQ', name: 'Gadget', price: 12.5, quantity: 40, available: 40, etag: '"1.0"' };

/** The tutorial's order: 3 widgets at $20 with the 20% fee, one line (so with its fields too). */
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
  lines: [{ product_id: WIDGET.id, name: 'Widget', quantity: 3, price: 20, fee: 4, total: 72 }],
};

/** A cart of two lines: 3 widgets ($72) and a gadget ($12.50 + $2.50 fee): no tutorial fields. */
export const CART_ORDER: Order = {
  id: '01JDQ3T0X6M6V1W3C6W7N5K8Z5',
  total: 87,
  status: 'pending',
  refund_reason: null,
  created_at: '2026-11-28T07:05:00Z',
  updated_at: '2026-11-28T07:05:00Z',
  lines: [...ORDER.lines, { product_id: GADGET.id, name: 'Gadget', quantity: 1, price: 12.5, fee: 2.5, total: 15 }],
};

/** A request as the stand-in `fetch` saw it. */
export interface Sent {
  url: string;
  method: string;
  headers: Headers;
  /** The body's text, or undefined without one. */
  body: string | undefined;
}

/** Answers a request, or undefined for one it does not expect (then a 404 `not_found`). */
type Route = (request: Sent) => Response | Promise<Response> | undefined;

/** Puts `route` in place of `fetch`; `sent` lists every request, in order. */
export function stubFetch(route: Route) {
  const sent: Sent[] = [];
  const fetch = vi.fn(async (input: Request) => {
    const text = await input.text();
    const request = { url: input.url, method: input.method, headers: input.headers, body: text === '' ? undefined : text };
    sent.push(request);
    return (await route(request)) ?? apiError(404, 'not_found', `no route for ${request.url}`);
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, sent };
}

/** Renders a screen as the app does: inside a router, with a fresh query client (nothing cached
 * from another test). `path` is the URL it is shown at. */
export function renderScreen(screen: ReactElement, path = '/') {
  const queryClient = createQueryClient();
  const result = render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]}>{screen}</MemoryRouter>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
