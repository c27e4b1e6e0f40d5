import type { Metadata } from 'next';
import { LoginForm } from './login-form.tsx';

export const metadata: Metadata = { title: 'Log in · Berth' };

export default function LoginPage() {
  return (
    <div className="login-wrap">
      <LoginForm />
    </div>
  );
}
