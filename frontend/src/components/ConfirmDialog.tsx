import type { ReactNode } from 'react';
import { Modal } from './Modal';
import { Spinner } from './Spinner';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Beside the spinner while it runs. */
  busyLabel?: string;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, busyLabel = 'Deleting…', busy, error, onConfirm, onCancel }: Props) {
  return (
    <Modal
      title={title}
      onCancel={onCancel}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={onConfirm} disabled={busy}>
            {busy ? <Spinner label={busyLabel} muted={false} /> : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {error && (
        <div className="alert alert-danger mt-3 mb-0" role="alert">
          {error}
        </div>
      )}
    </Modal>
  );
}
