// consumer-cron, the operations worker: the consumer's stats, the books audit and its repair, the
// dead letters. Types and paths from its contract, docs/openapi/consumer-cron.json.
import { CONSUMER_URL } from './config';
import type { DeadLetter, paths } from './generated/consumer';
import { atUrl, ok, workerApi, type Page } from './client';

export type { AuditReport, ConsumerStats, DeadLetter, Problem, Repair, ReplayAnswer, StreamStats } from './generated/consumer';
export type { Checked as AuditChecked, Health as ConsumerHealth, Report as RunReport } from './generated/consumer';

/** The two streams the consumer reads, and so the two of dead letters. */
export const STREAMS = ['order_completed', 'refund_order'] as const;
export type Stream = (typeof STREAMS)[number];

/** `/stats` and `/health` are public (`consumer`); the `operator`'s routes need the admin token. */
const { open: consumer, admin: operator, page } = workerApi<paths>('Operations', CONSUMER_URL);
const inStream = (stream: Stream) => ({ params: { path: { stream } } });
const letter = (stream: Stream, id: string) => ({ params: { path: { stream, id } } });

export const consumerStats = () => ok(consumer.GET('/stats'));
/** 200 `ok`, or 200 `degraded` with its reason (behind); 503 when Redis does not answer. */
export const consumerHealth = () => ok(consumer.GET('/health'));

/** A stream's oldest `limit` dead letters. */
export const listDeadLetters = (stream: Stream, limit: number): Promise<Page<DeadLetter>> =>
  page(operator.GET('/dead-letters/{stream}', { params: { path: { stream }, query: { limit } } }));
export const deadLettersPage = (stream: Stream, url: string): Promise<Page<DeadLetter>> =>
  page(operator.GET('/dead-letters/{stream}', { ...inStream(stream), ...atUrl(url) }));
export const replayDeadLetter = (stream: Stream, id: string) =>
  ok(operator.POST('/dead-letters/{stream}/{id}/replay', letter(stream, id)));
/** The oldest 1,000 back onto their stream (`remaining` says how many are left). */
export const replayAllDeadLetters = (stream: Stream) => ok(operator.POST('/dead-letters/{stream}/replay', inStream(stream)));
export const discardDeadLetter = (stream: Stream, id: string) =>
  ok(operator.DELETE('/dead-letters/{stream}/{id}', letter(stream, id)));
export const discardAllDeadLetters = (stream: Stream) => ok(operator.DELETE('/dead-letters/{stream}', inStream(stream)));

/** The books checked on the live data: from the start, or from a previous answer's `next`. */
export const runAudit = (cursor?: string) => ok(operator.GET('/audit', { params: { query: cursor ? { cursor } : {} } }));
/** Rebuilds `reserved` from the orders holding reservations: what it changed. */
export const repairReserved = () => ok(operator.POST('/audit/repair'));
