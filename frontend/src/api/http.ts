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
  /** Its mutations may need the admin token (the inventory's do; placing an order does not). */
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

export async function request<T>(client: Client, method: string, path: string, body?: unknown): Promise<T> {
  const mutation = client.admin === true && method !== 'GET';
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = mutation ? adminToken() : null;
    if (token) headers.Authorization = `Bearer ${token}`;

    let response: Response;
    try {
      response = await fetch(client.baseUrl + path, {
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
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
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
