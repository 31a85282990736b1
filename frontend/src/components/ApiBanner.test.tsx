// @vitest-environment jsdom
// The banner names the API that is down, probes its /health and goes away by itself.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listProducts } from '../api/inventory';
import { ApiBanner, PROBE_MS } from './ApiBanner';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the API banner', () => {
  it('names the API that is down, and goes away by itself once it answers again', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn().mockRejectedValue(new TypeError('Failed to fetch'));
    vi.stubGlobal('fetch', fetch);
    render(<ApiBanner />);
    expect(screen.queryByRole('alert')).toBeNull();

    await act(() => listProducts(100).catch(() => undefined));
    expect(screen.getByRole('alert').textContent).toContain('The Inventory API cannot be reached');
    expect(screen.getByRole('alert').textContent).not.toContain('Payments');

    // It probes /health until the API is back.
    fetch.mockResolvedValue(new Response('{"status":"ok"}', { status: 200 }));
    await act(() => vi.advanceTimersByTimeAsync(PROBE_MS));
    expect((fetch.mock.lastCall?.[0] as Request).url).toBe('http://127.0.0.1:8000/health');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
