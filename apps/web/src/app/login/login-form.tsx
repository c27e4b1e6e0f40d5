'use client';

import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../trpc.tsx';
import { FormError } from '../ui/query-state.tsx';

export function LoginForm() {
  const trpc = useTRPC();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      // A full load, so the server-side gate sees the new session cookie.
      onSuccess: () => window.location.assign('/'),
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username, password });
  };

  return (
    <form className="login-card" onSubmit={submit} aria-label="Log in">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          B
        </span>
        Berth
      </div>
      <h1>Log in</h1>
      <FormError error={login.error} />
      <div className="field">
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <button type="submit" className="button primary" disabled={login.isPending}>
        {login.isPending ? 'Logging in…' : 'Log in'}
      </button>
      <p className="hint">
        First start? <code>npm start</code> prints the admin login; it is also in the data directory, in{' '}
        <code>initial-admin-password</code>.
      </p>
    </form>
  );
}
