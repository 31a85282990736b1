import { describeError, Unreachable } from '../api/client';
import { Spinner } from './Spinner';

/** Why something could not be loaded. An unreachable API is already named by the banner: here it
 * is only "waiting", since the page retries by itself. */
export function LoadError({ error, stale = false }: { error: unknown; stale?: boolean }) {
  if (error instanceof Unreachable) {
    return (
      <div className="mb-3">
        <Spinner label={stale ? `Showing the last known data; retrying…` : `Waiting for the ${error.service} API…`} />
      </div>
    );
  }
  return (
    <div className="alert alert-danger" role="alert">
      {stale ? 'Could not refresh: ' : ''}
      {describeError(error)}
    </div>
  );
}
