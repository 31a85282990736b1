// Asks for the admin token when the back office's request (a product change, the list of all
// orders, an operator's action) answers 401. The api/ client keeps the token in sessionStorage (this tab only) and
// retries the request with it.
import { useEffect, useState, type FormEvent } from 'react';
import { setTokenPrompt } from '../api/client';
import { Modal } from './Modal';

interface Prompt {
  wrongToken: boolean;
  resolve: (token: string | null) => void;
}

export function TokenDialog() {
  const [prompt, setPrompt] = useState<Prompt | null>(null);
  const [token, setToken] = useState('');

  useEffect(() => {
    setTokenPrompt((wrongToken) => new Promise((resolve) => setPrompt({ wrongToken, resolve })));
    return () => setTokenPrompt(null);
  }, []);

  if (!prompt) return null;
  const answer = (value: string | null) => {
    prompt.resolve(value);
    setPrompt(null);
    setToken('');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim()) answer(token.trim());
  };

  return (
    <Modal
      title="Admin token needed"
      onCancel={() => answer(null)}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={() => answer(null)}>
            Cancel
          </button>
          <button type="submit" form="admin-token-form" className="btn btn-primary" disabled={!token.trim()}>
            Continue
          </button>
        </>
      }
    >
      <form id="admin-token-form" onSubmit={submit}>
        <p>
          The shop's back office (changing products and reading their ledgers, the list of all orders, the
          operations page) needs its admin token. It is kept for this browser tab only.
        </p>
        {prompt.wrongToken && (
          <div className="alert alert-warning" role="alert">
            That token was not accepted. Check it and try again.
          </div>
        )}
        <label htmlFor="admin-token" className="form-label">
          Admin token
        </label>
        <input
          id="admin-token"
          type="password"
          className="form-control"
          autoComplete="off"
          autoFocus
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
      </form>
    </Modal>
  );
}
