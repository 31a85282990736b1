// What the Operations screen and the ledger say in words: times, ages, a replay's report.
import type { ReplayAnswer } from './api/consumer';

/** When, to the second, in the person's own time zone. */
export const when = (at: string) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "420 ms", "3.2 s", "4 min 5 s", "2 h 3 min"; "—" for none. */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A replay's answer in words: what went back, and what the consumer run that followed did. */
export function replayReport(answer: ReplayAnswer): string {
  const n = answer.replayed.length;
  const back = `Replayed ${n} dead letter${n === 1 ? '' : 's'}; ${answer.remaining} left.`;
  const run = answer.consumer_run;
  if (!run) return `${back} No consumer run followed at once (one was under way or none could run): the next run applies them.`;
  return (
    `${back} The consumer run that followed: ${run.applied} applied, ${run.duplicates} already applied (duplicates), ` +
    `${run.held} held for a retry, ${run.dead_lettered} dead-lettered again, ${run.refunded} refunded ` +
    `(${run.read} read in ${run.batches} batch${run.batches === 1 ? '' : 'es'}).`
  );
}
