// Operations (`/operations`): what an operator watches and does on consumer-cron, the operations
// worker. The consumer's health and lag per stream (`GET /stats`, `GET /health`, read again every
// STATS_REFRESH_MS); each stream's dead letters (`GET /dead-letters/{stream}`, in pages) with
// Replay and Discard, one or all (discards confirmed first), and the report of the consumer run a
// replay starts; the books audit (`GET /audit`, *Run*, *Continue* while it is not complete) and
// its repair of `reserved` (`POST /audit/repair`, then the audit again). Everything but the stats
// needs the admin token: a 401 asks for it (the token dialog), a deployment without one says so.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, type ReactNode } from 'react';
import { ApiError, describeError } from '../api/client';
import {
  consumerHealth,
  consumerStats,
  deadLettersPage,
  discardAllDeadLetters,
  discardDeadLetter,
  listDeadLetters,
  repairReserved,
  replayAllDeadLetters,
  replayDeadLetter,
  runAudit,
  STREAMS,
  type AuditChecked,
  type AuditReport,
  type DeadLetter,
  type Problem,
  type Repair,
  type Stream,
  type StreamStats,
} from '../api/consumer';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { LoadError } from '../components/LoadError';
import { ListHeader, PagedTable, TableHead } from '../components/PagedTable';
import { Spinner } from '../components/Spinner';
import { useLinkPages } from '../paging';
import { formatAge, replayReport, when } from '../operations';
import { keys } from '../queries';

export const STATS_REFRESH_MS = 3000;
/** Dead letters per page, and per *Load more*. */
export const DEAD_LETTERS_PAGE = 50;

/** What went wrong with an operator's request, said for an operator: the token to enter, a
 * deployment without one, or the API's own message. */
function OperatorError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (error instanceof ApiError && error.status === 401) {
    return (
      <div className="alert alert-warning d-flex align-items-center gap-3" role="alert">
        This needs the admin token.
        {onRetry && (
          <button type="button" className="btn btn-sm btn-primary" onClick={onRetry}>
            Enter the admin token
          </button>
        )}
      </div>
    );
  }
  if (error instanceof ApiError && error.body.code === 'admin_not_configured') {
    return (
      <div className="alert alert-danger" role="alert">
        <strong>The operations worker has no admin token configured.</strong> {describeError(error)}
      </div>
    );
  }
  return <LoadError error={error} />;
}

// --- the consumer ---------------------------------------------------------------------------------
const OUTCOMES: Record<string, string> = {
  ok: 'ok',
  more_waiting: 'stopped at its time budget, more waiting',
  read_errors: 'a read failed (what was read was applied)',
};

function ConsumerHealth() {
  const stats = useQuery({ queryKey: keys.consumerStats, queryFn: consumerStats, refetchInterval: STATS_REFRESH_MS });
  const health = useQuery({ queryKey: keys.consumerHealth, queryFn: consumerHealth, refetchInterval: STATS_REFRESH_MS });
  const data = stats.data;
  const error = stats.error ?? stats.failureReason ?? undefined;
  return (
    <section className="mb-4" aria-labelledby="consumer-heading">
      <h2 className="h4" id="consumer-heading">
        Consumer
      </h2>
      {health.data && (
        <p data-testid="consumer-health">
          Health:{' '}
          <span className={`badge ${health.data.status === 'ok' ? 'text-bg-success' : 'text-bg-warning'}`}>
            {health.data.status}
          </span>
          {health.data.reason && <span className="ms-2">{health.data.reason}</span>}
        </p>
      )}
      {stats.isPending && <Spinner label="Loading the consumer's stats…" />}
      {error !== undefined && <LoadError error={error} stale={data !== undefined} />}
      {data && (
        <>
          <p data-testid="last-run">
            Last run:{' '}
            {data.last_run ? (
              <>
                {when(data.last_run)}
                {data.last_run_duration_ms !== null && ` (${data.last_run_duration_ms} ms)`}
                {data.last_run_outcome && `: ${OUTCOMES[data.last_run_outcome] ?? data.last_run_outcome}`}
              </>
            ) : (
              'never (no run yet)'
            )}
          </p>
          <div className="table-responsive">
            <table className="table table-sm align-middle" data-testid="stream-stats">
              <caption className="small">
                Backlog: entries in the stream. Pending: delivered, not acknowledged yet. Lag: how long the oldest event
                not yet delivered has waited.
              </caption>
              <TableHead columns={['Stream', 'Backlog', 'Pending', 'Dead letters', 'Lag (oldest undelivered)', 'Oldest pending']} />
              <tbody>
                {STREAMS.map((stream) => {
                  const s: StreamStats | undefined = data.streams[stream];
                  return (
                    <tr key={stream} data-stream={stream}>
                      <td className="id">{stream}</td>
                      <td>{s?.length ?? '—'}</td>
                      <td>{s?.pending ?? '—'}</td>
                      <td>{s ? <span className={s.dead_letters > 0 ? 'badge text-bg-danger' : ''}>{s.dead_letters}</span> : '—'}</td>
                      <td>{formatAge(s?.oldest_undelivered_age_ms)}</td>
                      <td>{formatAge(s?.oldest_pending_age_ms)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

// --- dead letters ---------------------------------------------------------------------------------
/** An event's own fields, as one line ("pk: 01J…, status: completed"). */
const fieldsText = (fields: DeadLetter['fields']) =>
  Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');

type Discarding = { stream: Stream; id: string | null };

function DeadLetters({ stream }: { stream: Stream }) {
  const queryClient = useQueryClient();
  const first = useCallback(() => listDeadLetters(stream, DEAD_LETTERS_PAGE), [stream]);
  const next = useCallback((url: string) => deadLettersPage(stream, url), [stream]);
  const letters = useLinkPages({ queryKey: keys.deadLetters(stream), first, next, refetchMs: () => STATS_REFRESH_MS });
  const [said, setSaid] = useState<string | null>(null);
  const [discarding, setDiscarding] = useState<Discarding | null>(null);

  const after = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: keys.deadLetters(stream) });
    void queryClient.invalidateQueries({ queryKey: keys.consumerStats });
  }, [queryClient, stream]);
  const replay = useMutation({
    mutationFn: (id: string | null) => (id === null ? replayAllDeadLetters(stream) : replayDeadLetter(stream, id)),
    onMutate: () => setSaid(null),
    onSuccess: async (answer) => {
      setSaid(replayReport(answer));
      await after();
    },
  });
  const discard = useMutation({
    mutationFn: async ({ id }: Discarding) => {
      if (id !== null) {
        await discardDeadLetter(stream, id);
        return 1;
      }
      return (await discardAllDeadLetters(stream)).discarded;
    },
    onMutate: () => setSaid(null),
    onSuccess: async (n) => {
      setDiscarding(null);
      setSaid(`Discarded ${n} dead letter${n === 1 ? '' : 's'}: gone for good.`);
      await after();
    },
  });
  const { reset: resetDiscard } = discard;
  const cancelDiscard = useCallback(() => {
    setDiscarding(null);
    resetDiscard();
  }, [resetDiscard]);
  const busy = replay.isPending || discard.isPending;
  const any = (letters.items?.length ?? 0) > 0;
  const needsToken = letters.error instanceof ApiError && (letters.error.status === 401 || letters.error.status === 503);

  return (
    <section className="mb-4" aria-label={`Dead letters of ${stream}`} data-testid={`dead-letters-${stream}`}>
      <div className="d-flex justify-content-between align-items-center">
        <h3 className="h5 mb-2">
          Dead letters: <span className="id">{stream}</span>
        </h3>
        <div className="d-flex gap-2">
          <button type="button" className="btn btn-sm btn-outline-primary" disabled={!any || busy} onClick={() => replay.mutate(null)}>
            Replay all
          </button>
          <button
            type="button"
            className="btn btn-sm btn-outline-danger"
            disabled={!any || busy}
            onClick={() => setDiscarding({ stream, id: null })}
          >
            Discard all
          </button>
        </div>
      </div>
      {said && (
        <div className="alert alert-info" role="status" data-testid="dead-letter-report">
          {said}
        </div>
      )}
      {replay.error && <OperatorError error={replay.error} />}
      {needsToken ? (
        <OperatorError error={letters.error} onRetry={letters.refresh} />
      ) : (
        <PagedTable
          list={letters}
          nouns={['dead letter', 'dead letters']}
          columns={['Died', 'Reason', 'Deliveries', 'Event', 'Actions']}
          empty="None: every event applied."
          row={(letter) => (
            <tr key={letter.id} data-dead-letter-id={letter.id}>
              <td className="text-nowrap">{when(letter.died_at)}</td>
              <td>
                <span className="badge text-bg-danger">{letter.reason}</span>
              </td>
              <td>{letter.deliveries}</td>
              <td className="id">
                {fieldsText(letter.fields)}
                <div className="text-body-secondary">was {letter.source_id}</div>
              </td>
              <td className="text-nowrap">
                <button
                  type="button"
                  className="btn btn-sm btn-outline-primary me-2"
                  disabled={busy}
                  onClick={() => replay.mutate(letter.id)}
                >
                  Replay
                </button>
                <button
                  type="button"
                  className="btn btn-sm btn-outline-danger"
                  disabled={busy}
                  onClick={() => setDiscarding({ stream, id: letter.id })}
                >
                  Discard
                </button>
              </td>
            </tr>
          )}
        />
      )}
      {discarding && (
        <ConfirmDialog
          title={discarding.id === null ? `Discard every dead letter of ${stream}?` : 'Discard this dead letter?'}
          confirmLabel="Discard"
          busyLabel="Discarding…"
          busy={discard.isPending}
          error={discard.error ? describeError(discard.error) : null}
          onConfirm={() => discard.mutate(discarding)}
          onCancel={cancelDiscard}
        >
          <p className="mb-0">
            A discarded event never applies: it is gone for good.
            {stream === 'order_completed' &&
              ' Its order keeps holding its reservation: the audit then reports it, and its repair releases the units.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

// --- the audit ------------------------------------------------------------------------------------
/** What each kind of problem means, for the problems table. */
const KINDS: Record<Problem['kind'], string> = {
  ledger_chain: 'a ledger entry does not follow from the one before',
  on_hand_mismatch: 'on hand is not what its ledger ends at',
  ledger_missing: 'a product without its ledger',
  damaged_product: 'a product that cannot be read',
  reserved_mismatch: 'reserved is not what the orders holding stock add up to',
  reserved_over_on_hand: 'more reserved than on hand',
  overdue_payment: 'a payment pending past its due time',
  pending_unscheduled: 'a pending order nothing will complete',
  released_holding: 'a refunded or cancelled order still holding stock',
  completed_holding: 'a completed order still holding its reservation',
  damaged_order: 'an order without a status',
};

const CHECKED: [keyof AuditChecked, string][] = [
  ['products', 'products'],
  ['ledger_entries', 'ledger entries'],
  ['orders', 'orders'],
  ['orders_in_flight', 'orders in flight'],
  ['reserved_products', 'reserved counts'],
];

/** The answers of one audit so far (a continued one has several), as one. */
function combine(pages: AuditReport[]) {
  const last = pages[pages.length - 1];
  const checked = Object.fromEntries(CHECKED.map(([k]) => [k, pages.reduce((n, p) => n + p.checked[k], 0)])) as Record<
    keyof AuditChecked,
    number
  >;
  return { ok: pages.every((p) => p.ok), complete: last.complete, next: last.next, problems: pages.flatMap((p) => p.problems), checked };
}

const shown = (value: Problem['expected']) => String(value);

function AuditResult({ pages }: { pages: AuditReport[] }) {
  const audit = combine(pages);
  const counts = CHECKED.map(([k, label]) => `${audit.checked[k]} ${label}`).join(', ');
  return (
    <div data-testid="audit-result">
      {audit.ok ? (
        <div className="alert alert-success" role="status">
          <strong>The books balance{audit.complete ? '' : ' so far'}.</strong> Checked {counts}.
        </div>
      ) : (
        <div className="alert alert-danger" role="status">
          <strong>
            {audit.problems.length} problem{audit.problems.length === 1 ? '' : 's'} found.
          </strong>{' '}
          Checked {counts}.
        </div>
      )}
      {audit.problems.length > 0 && (
        <div className="table-responsive">
          <table className="table table-sm align-middle" data-testid="audit-problems">
            <TableHead columns={['Kind', 'Product', 'Order', 'Expected', 'Found']} />
            <tbody>
              {audit.problems.map((p, i) => (
                <tr key={i} data-kind={p.kind}>
                  <td>
                    <span className="id">{p.kind}</span>
                    <div className="small text-body-secondary">{KINDS[p.kind]}</div>
                  </td>
                  <td className="id">{p.product_id}</td>
                  <td className="id">{p.order_id}</td>
                  <td>{shown(p.expected)}</td>
                  <td>{shown(p.found)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function RepairResult({ repair }: { repair: Repair }) {
  if (repair.changed.length === 0) {
    return (
      <div className="alert alert-secondary" role="status" data-testid="repair-result">
        The repair changed nothing: every <code>reserved</code> count was right.
      </div>
    );
  }
  return (
    <div className="alert alert-info" role="status" data-testid="repair-result">
      The repair rewrote {repair.changed.length} <code>reserved</code> count{repair.changed.length === 1 ? '' : 's'}:
      <ul className="mb-0">
        {repair.changed.map((c) => (
          <li key={c.product_id}>
            <span className="id">{c.product_id}</span>: {String(c.before)} → {c.after}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Audit() {
  const [pages, setPages] = useState<AuditReport[]>([]);
  const [repair, setRepair] = useState<Repair | null>(null);
  const run = useMutation({
    mutationFn: (cursor: string | null) => runAudit(cursor ?? undefined),
    onMutate: (cursor) => cursor === null && setPages([]),
    onSuccess: (report) => setPages((before) => [...before, report]),
  });
  const fix = useMutation({
    mutationFn: repairReserved,
    onMutate: () => setRepair(null),
    // What it changed, then the audit again: the person sees the books after the repair.
    onSuccess: (answer) => {
      setRepair(answer);
      run.mutate(null);
    },
  });
  const last = pages[pages.length - 1];
  const busy = run.isPending || fix.isPending;
  const error: unknown = run.error ?? fix.error;
  return (
    <section className="mb-4" aria-labelledby="audit-heading">
      <div className="d-flex justify-content-between align-items-center mb-2">
        <h2 className="h4 mb-0" id="audit-heading">
          Books audit
        </h2>
        <div className="d-flex gap-2 align-items-center">
          {busy && <Spinner label={fix.isPending ? 'Repairing…' : 'Checking…'} />}
          <button type="button" className="btn btn-sm btn-primary" disabled={busy} onClick={() => run.mutate(null)}>
            Run audit
          </button>
          {last && !last.complete && last.next && (
            <button type="button" className="btn btn-sm btn-outline-primary" disabled={busy} onClick={() => run.mutate(last.next)}>
              Continue
            </button>
          )}
          <button
            type="button"
            className="btn btn-sm btn-outline-warning"
            disabled={busy}
            title="Rebuilds the reserved counts from the orders holding reservations"
            onClick={() => fix.mutate()}
          >
            Repair reserved
          </button>
        </div>
      </div>
      <p className="small text-body-secondary">
        Checks the live data: on hand against each product's ledger, reserved against the orders holding stock, and the
        orders' states. Read-only. <em>Repair reserved</em> rebuilds the one derived count, <code>reserved</code>; anything
        else it names is for a person to look at (the ledger says what happened).
      </p>
      {error !== null && error !== undefined && <OperatorError error={error} onRetry={() => run.mutate(null)} />}
      {repair && <RepairResult repair={repair} />}
      {pages.length > 0 && <AuditResult pages={pages} />}
      {last && !last.complete && (
        <p className="small" data-testid="audit-incomplete">
          Checked part of the shop: <em>Continue</em> checks the rest.
        </p>
      )}
    </section>
  );
}

function Section({ children }: { children: ReactNode }) {
  return <div className="col-12">{children}</div>;
}

export function Operations() {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['operations'] });
  return (
    <>
      <ListHeader title="Operations" onRefresh={refresh} />
      <p className="text-body-secondary small">
        The consumer that applies paid and refunded orders to the stock, the events it could not apply, and the books
        checked on the live data. Everything but the consumer's stats needs the shop's admin token.
      </p>
      <div className="row">
        <Section>
          <ConsumerHealth />
        </Section>
        <Section>
          <h2 className="h4">Dead letters</h2>
          <p className="small text-body-secondary">
            Events retried five times without applying. Fix the cause (an order, a product), then Replay: each applies
            exactly once, like any event; one already applied changes nothing.
          </p>
          {STREAMS.map((stream) => (
            <DeadLetters key={stream} stream={stream} />
          ))}
        </Section>
        <Section>
          <Audit />
        </Section>
      </div>
    </>
  );
}
