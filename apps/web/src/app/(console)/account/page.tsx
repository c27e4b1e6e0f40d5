import type { Metadata } from 'next';
import { ChangePasswordForm } from './change-password-form.tsx';

export const metadata: Metadata = { title: 'Account · Berth' };

export default function AccountPage() {
  return (
    <main className="page narrow">
      <div className="page-head">
        <h1>Account</h1>
      </div>
      <ChangePasswordForm />
    </main>
  );
}
