// One `request` for both workers: JSON in and out, the API's error body as an `ApiError`, a network
// failure or a 503 as an `Unreachable` (and reported to the banner), and the admin token asked for
// and retried when a mutation answers 401.
import type { components } from './generated/inventory';
import { reportDown, reportUp, type Service } from './health';

/** `{"error": {…}}`'s inside, the same in every worker's contract (they share worker-http). */
export type ErrorDetail = components['schemas']['ErrorDetail'];
/** What an `ApiError` carries: the API's error, or one made up for an answer that is not the API's
 * (a proxy's HTML page, say), whose code is then `http_<status>`. */
export type ApiErrorBody = ErrorDetail | { code: `http_${number}`; message: string; field?: undefined };

/** The API answered with an error status. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;
  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

/** The API could not be reached, or answered 503 (its database is down): try again later. */
export class Unreachable extends Error {
  readonly service: Service;
  constructor(service: Service, message: string) {
    super(message);
    this.service = service;
  }
}

// --- admin token: kept for this tab only -------------------------------------------------------
const TOKEN_KEY = 'adminToken';

export function adminToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Shows the token dialog; resolves to the token typed, or null if the person cancelled. */
type TokenPrompt = (wrongToken: boolean) => Promise<string | null>;
let tokenPrompt: TokenPrompt | null = null;
let pendingPrompt: Promise<string | null> | null = null;

export function setTokenPrompt(prompt: TokenPrompt | null) {
  tokenPrompt = prompt;
}

/** One dialog at a time, even when several requests answer 401 together. */
function askToken(wrongToken: boolean): Promise<string | null> {
  if (!tokenPrompt) return Promise.resolve(null);
  pendingPrompt ??= tokenPrompt(wrongToken).finally(() => {
    pendingPrompt = null;
  });
  return pendingPrompt;
}

// --- requests -----------------------------------------------------------------------------------
/** A request still unanswered after this long counts as the API being unreachable. */
export const TIMEOUT_MS = 15_000;

export interface Client {
  service: Service;
  baseUrl: string;
  /** Its mutations may need the admin token (the inventory's and cancelling an order do; placing
   * an order does not). */
  admin?: boolean;
}

async function errorBody(response: Response): Promise<ApiErrorBody> {
  try {
    const json = (await response.json()) as Partial<components['schemas']['ErrorBody']>;
    if (json.error?.message) return json.error;
  } catch {
    // not JSON: fall through
  }
  return { code: `http_${response.status}`, message: `the server answered ${response.status} ${response.statusText}` };
}

/** Sends one request and hands back the answer once it is a success (2xx). `url` is a path on the
 * client's base URL, or an absolute URL (a `Link` to the next page, followed as given). */
async function send(
  client: Client,
  method: string,
  url: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ response: Response; url: string }> {
  const mutation = client.admin === true && method !== 'GET';
  const target = /^https?:\/\//i.test(url) ? url : client.baseUrl + url;
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { ...extraHeaders };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = mutation ? adminToken() : null;
    if (token) headers.Authorization = `Bearer ${token}`;

    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      const reason = timedOut ? `did not answer within ${TIMEOUT_MS / 1000} s` : 'cannot be reached';
      reportDown({ service: client.service, url: client.baseUrl, reason });
      throw new Unreachable(client.service, `The ${client.service} API ${reason}.`);
    }

    if (response.status === 503) {
      const error = await errorBody(response);
      reportDown({ service: client.service, url: client.baseUrl, reason: `is unavailable: ${error.message}` });
      throw new Unreachable(client.service, `The ${client.service} API is unavailable: ${error.message}`);
    }
    reportUp(client.service);

    if (response.status === 401 && mutation) {
      const typed = await askToken(attempt > 0 || token !== null);
      if (typed === null) throw new ApiError(401, await errorBody(response));
      sessionStorage.setItem(TOKEN_KEY, typed);
      continue;
    }
    if (!response.ok) throw new ApiError(response.status, await errorBody(response));
    return { response, url: response.url || target };
  }
}

export async function request<T>(
  client: Client,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<T> {
  const { response } = await send(client, method, path, body, headers);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A request whose answer's headers matter too (`Idempotent-Replayed`). */
export async function requestWithHeaders<T>(
  client: Client,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<{ data: T; headers: Headers }> {
  const { response } = await send(client, method, path, body, headers);
  return { data: (await response.json()) as T, headers: response.headers };
}

// --- lists in pages -----------------------------------------------------------------------------
/** One page of a list: its items, and the URL of the next page (from `Link: <…>; rel="next"`). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/**
 * The `rel="next"` target of an RFC 8288 `Link` header, resolved against `base` (the URL the page
 * came from), or null when there is none. Several link-values, quoted parameters, `rel=next`
 * unquoted, several relation types in one `rel` and any case are understood; the target is opaque
 * and kept as given.
 */
export function parseNextLink(header: string | null, base: string): string | null {
  if (!header) return null;
  let i = 0;
  while (i < header.length) {
    const open = header.indexOf('<', i);
    if (open < 0) return null;
    const close = header.indexOf('>', open);
    if (close < 0) return null;
    const target = header.slice(open + 1, close).trim();
    // Its parameters run to the next comma outside a quoted string.
    let j = close + 1;
    let quoted = false;
    for (; j < header.length; j++) {
      const c = header[j];
      if (quoted && c === '\\') j++;
      else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) break;
    }
    const params = header.slice(close + 1, j);
    for (const param of params.split(';')) {
      const eq = param.indexOf('=');
      if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'rel') continue;
      const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (value.toLowerCase().split(/\s+/).includes('next')) {
        try {
          return new URL(target, base).href;
        } catch {
          return null;
        }
      }
    }
    i = j + 1;
  }
  return null;
}

/** A page of a list: `path` on the client's base URL, or the absolute URL of a `Link`. */
export async function requestPage<T>(client: Client, path: string): Promise<Page<T>> {
  const { response, url } = await send(client, 'GET', path);
  const items = (await response.json()) as T[];
  return { items, next: parseNextLink(response.headers.get('Link'), url) };
}

/** A line for an alert: what went wrong with any request. */
export function describeError(error: unknown): string {
  if (error instanceof Unreachable) return error.message;
  if (error instanceof ApiError) {
    if (error.status === 401) return 'This change needs the admin token.';
    return error.body.message.charAt(0).toUpperCase() + error.body.message.slice(1);
  }
  return error instanceof Error ? error.message : String(error);
}
