// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, request, setTokenPrompt, Unreachable } from './http';
import { reportUp } from './health';

const inventory = { service: 'Inventory' as const, baseUrl: 'http://inventory.test', admin: true };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const unauthorized = () => json(401, { error: { code: 'unauthorized', message: 'this change needs the header' } });

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
});

describe('request', () => {
  it('asks for the admin token on a 401, keeps it for the tab and retries with it', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(unauthorized())
      .mockResolvedValueOnce(unauthorized())
      .mockResolvedValueOnce(json(201, { id: 'p1' }));
    vi.stubGlobal('fetch', fetch);
    const prompt = vi.fn().mockResolvedValueOnce('wrong').mockResolvedValueOnce('right');
    setTokenPrompt(prompt);

    await expect(request(inventory, 'POST', '/products', { name: 'a' })).resolves.toEqual({ id: 'p1' });
    expect(prompt.mock.calls).toEqual([[false], [true]]); // the second time it says the token was wrong
    expect(fetch.mock.calls[0][1].headers.Authorization).toBeUndefined();
    expect(fetch.mock.calls[1][1].headers.Authorization).toBe('Bearer wrong');
    expect(fetch.mock.calls[2][1].headers.Authorization).toBe('Bearer right');
    expect(sessionStorage.getItem('adminToken')).toBe('right');
    expect(localStorage.length).toBe(0);
  });

  it('gives up with the 401 when the person cancels the dialog', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(unauthorized()));
    setTokenPrompt(() => Promise.resolve(null));
    const error = await failure(request(inventory, 'DELETE', '/products/x'), ApiError);
    expect(error.status).toBe(401);
  });

  it('never asks for a token on a read, nor sends one to the payments API', async () => {
    const fetch = vi.fn().mockResolvedValue(unauthorized());
    vi.stubGlobal('fetch', fetch);
    sessionStorage.setItem('adminToken', 'secret');
    const prompt = vi.fn();
    setTokenPrompt(prompt);
    await expect(request(inventory, 'GET', '/products')).rejects.toBeInstanceOf(ApiError);
    await expect(
      request({ service: 'Payments', baseUrl: 'http://payments.test' }, 'POST', '/orders', {}),
    ).rejects.toBeInstanceOf(ApiError);
    expect(prompt).not.toHaveBeenCalled();
    expect(fetch.mock.calls.map((c) => c[1].headers.Authorization)).toEqual([undefined, undefined]);
  });

  it('hands over the API error body, with the field a 422 names', async () => {
    const body = { code: 'validation_failed', message: 'price must be greater than 0', field: 'price' };
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(json(422, { error: body })));
    const error = await failure(request(inventory, 'POST', '/products', {}), ApiError);
    expect(error.body).toEqual(body);
  });

  it('calls an API that cannot be reached, or answers 503, unreachable', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const down = await failure(request(inventory, 'GET', '/products'), Unreachable);
    expect(down.message).toBe('The Inventory API cannot be reached.');

    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(json(503, { error: { code: 'redis_unavailable', message: 'the database cannot be reached' } })));
    const degraded = await failure(request(inventory, 'GET', '/products'), Unreachable);
    expect(degraded.message).toBe('The Inventory API is unavailable: the database cannot be reached');
  });
});
