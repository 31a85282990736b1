import { statusLabel, statusVariant } from '../status';

/** An order's status as a coloured badge (the same colours in the checkout and the history). */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`badge text-bg-${statusVariant(status)}`} data-testid={testId}>
      {statusLabel(status)}
    </span>
  );
}
