// A labelled text input in Bootstrap's form style: its error under it (tied to it for screen
// readers), or else its hint. `children` go under both (a spinner, a warning).
import type { InputHTMLAttributes, ReactNode } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'>;

export function TextField({
  id,
  label,
  error,
  hint,
  inputClass,
  children,
  ...input
}: InputProps & {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  /** Classes for the input besides `form-control`. */
  inputClass?: string;
  children?: ReactNode;
}) {
  const classes = ['form-control', inputClass, error && 'is-invalid'].filter(Boolean).join(' ');
  return (
    <div className="mb-3">
      <label htmlFor={id} className="form-label">
        {label}
      </label>
      <input
        id={id}
        className={classes}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        aria-invalid={error ? true : undefined}
        {...input}
      />
      {error ? (
        <div id={`${id}-error`} className="invalid-feedback">
          {error}
        </div>
      ) : (
        hint && (
          <div id={`${id}-hint`} className="form-text">
            {hint}
          </div>
        )
      )}
      {children}
    </div>
  );
}
