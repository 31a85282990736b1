// The workers' clients: openapi-fetch, typed from the contract (src/api/generated), over one
// `fetch` of ours that adds what every request of the dashboard needs: a timeout, the banner (a
// network failure or a 503 is an `Unreachable` and marks the API down), and the admin token, sent
// or asked for when the API answers 401. The API's error body becomes an `ApiError`.
import LinkHeader from 'http-link-header';
import createClient from 'openapi-fetch';
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

/**
 * How a client uses the admin token:
 * - `never`: reads and the customer's own requests (an order's id is the customer's credential);
 *   a 401 is handed over as it is;
 * - `send`: the back office's (product changes, the list of all orders, cancelling anyone's
 *   order): the token is sent when this tab has one, and a 401 asks for it (again, when the one
 *   sent was refused) and retries.
 */
export type TokenUse = 'never' | 'send';

interface Api {
  service: Service;
  baseUrl: string;
  token: TokenUse;
}

async function errorBody(response: Response): Promise<ApiErrorBody> {
  return toErrorBody(await response.text().catch(() => ''), response);
}

/** The API's `{"error": {…}}` from a body (text, or JSON as openapi-fetch parsed it). */
function toErrorBody(body: unknown, response: Response): ApiErrorBody {
  let json = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      // not JSON: fall through
    }
  }
  const error = (json as Partial<components['schemas']['ErrorBody']> | null)?.error;
  if (error?.message) return error;
  return { code: `http_${response.status}`, message: `the server answered ${response.status} ${response.statusText}` };
}

/** One try: the answer, or `Unreachable` (reported to the banner) for no answer or a 503 (but
 * `admin_not_configured`, which is an answer). */
async function sendOnce(api: Api, request: Request): Promise<Response> {
  let response: Response;
  try {
    response = await globalThis.fetch(request, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    const reason = timedOut ? `did not answer within ${TIMEOUT_MS / 1000} s` : 'cannot be reached';
    reportDown({ service: api.service, url: api.baseUrl, reason });
    throw new Unreachable(api.service, `The ${api.service} API ${reason}.`);
  }
  if (response.status === 503) {
    const error = await errorBody(response.clone());
    // A deployment without its ADMIN_TOKEN refuses the back office's requests: the API is up, and
    // the refusal (with its message) belongs where the change was asked for, not in the banner.
    if (error.code !== 'admin_not_configured') {
      reportDown({ service: api.service, url: api.baseUrl, reason: `is unavailable: ${error.message}` });
      throw new Unreachable(api.service, `The ${api.service} API is unavailable: ${error.message}`);
    }
  }
  reportUp(api.service);
  return response;
}

/** openapi-fetch's `fetch`: the request, with the admin token as `api.token` says. */
async function send(api: Api, request: Request): Promise<Response> {
  let sent = api.token === 'send' ? adminToken() : null;
  for (;;) {
    // A fresh copy each try: a request's body can be read once.
    const attempt = request.clone();
    if (sent !== null) attempt.headers.set('Authorization', `Bearer ${sent}`);
    const response = await sendOnce(api, attempt);
    if (response.status !== 401 || api.token === 'never') return response;
    const typed = await askToken(sent !== null);
    if (typed === null) return response;
    sessionStorage.setItem(TOKEN_KEY, typed);
    sent = typed;
  }
}

/** A typed client of one worker (`Paths`: its contract's `paths`). */
function apiClient<Paths extends object>(service: Service, baseUrl: string, token: TokenUse) {
  const api: Api = { service, baseUrl, token };
  return createClient<Paths>({ baseUrl, fetch: (request) => send(api, request) });
}

/** What each worker's module (inventory.ts, payments.ts, consumer.ts) builds its requests from:
 * its two typed clients, `open` (the token `never` sent) and `admin` (`send`), and `page` for an
 * answer of a list, whose relative `Link` resolves against the worker's URL. */
export function workerApi<Paths extends object>(service: Service, baseUrl: string) {
  return {
    open: apiClient<Paths>(service, baseUrl, 'never'),
    admin: apiClient<Paths>(service, baseUrl, 'send'),
    page: <T>(answer: Promise<Answer<T[]>>): Promise<Page<T>> => page(answer, baseUrl),
  };
}

/** A request's `params` naming the `{id}` in its path. */
export const byId = (id: string) => ({ params: { path: { id } } });

/** What openapi-fetch answers: the data on a success, the parsed error body otherwise. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a success (2xx); an `ApiError` for any other answer. */
function check<T>({ data, error, response }: Answer<T>): T {
  if (!response.ok) throw new ApiError(response.status, toErrorBody(error, response));
  return data as T;
}

/** The data of a success (2xx), once answered; an `ApiError` for any other answer. */
export const ok = async <T>(answer: Promise<Answer<T>>): Promise<T> => check(await answer);

// --- lists in pages -----------------------------------------------------------------------------
/** One page of a list: its items, and the URL of the next page (from `Link: <…>; rel="next"`). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/**
 * The `rel="next"` target of an RFC 8288 `Link` header (parsed by http-link-header), resolved
 * against `base` (the URL the page came from), or null when there is none or it cannot be read.
 * The target is opaque and kept as given.
 */
export function nextLink(header: string | null, base: string): string | null {
  if (!header) return null;
  try {
    const [next] = LinkHeader.parse(header).rel('next');
    return next ? new URL(next.uri, base).href : null;
  } catch {
    return null;
  }
}

/** A page from an answer: its items, and its `Link` to the next page (a relative one resolved
 * against the page's URL, or `base` where the answer does not say it). */
async function page<T>(answer: Promise<Answer<T[]>>, base: string): Promise<Page<T>> {
  const answered = await answer;
  const { headers, url } = answered.response;
  return { items: check(answered), next: nextLink(headers.get('Link'), url || base) };
}

/** For a request of a list's operation: send it to `url` (a `Link`'s target) exactly as given,
 * instead of the URL built from the path (openapi-fetch's per-request middleware). */
export const atUrl = (url: string) => ({
  middleware: [{ onRequest: ({ request }: { request: Request }) => new Request(url, request) }],
});

/** A line for an alert: what went wrong with any request. */
export function describeError(error: unknown): string {
  if (error instanceof Unreachable) return error.message;
  if (error instanceof ApiError) {
    if (error.status === 401) return 'This needs the admin token.';
    return error.body.message.charAt(0).toUpperCase() + error.body.message.slice(1);
  }
  return error instanceof Error ? error.message : String(error);
}
