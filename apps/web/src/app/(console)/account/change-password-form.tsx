'use client';

import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../trpc.tsx';

const MIN_LENGTH = 12;

export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent('');
        setNew('');
        setConfirm('');
      },
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(newPassword !== confirm);
    if (newPassword === confirm) change.mutate({ currentPassword, newPassword });
  };

  return (
    <form className="panel form-panel" onSubmit={submit} aria-label="Change password">
      <h2>Change password</h2>
      <p className="sub">
        At least {MIN_LENGTH} characters. Your other sessions are logged out; the initial password stops being
        printed by <code>npm start</code>.
      </p>
      {change.isSuccess ? (
        <div className="form-ok" role="status">
          Password changed.
        </div>
      ) : null}
      {mismatch || change.error ? (
        <div className="form-error" role="alert">
          {mismatch ? 'The new passwords differ.' : change.error?.message}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="current-password">Current password</label>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          minLength={MIN_LENGTH}
          required
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="confirm-password">Repeat the new password</label>
        <input
          id="confirm-password"
          type="password"
          autoComplete="new-password"
          minLength={MIN_LENGTH}
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
        />
      </div>
      <button type="submit" className="button primary" disabled={change.isPending}>
        {change.isPending ? 'Saving…' : 'Change password'}
      </button>
    </form>
  );
}
