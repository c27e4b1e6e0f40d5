import type { Metadata } from 'next';
import { TopBar } from '../top-bar.tsx';
import { ChangePasswordForm } from './change-password-form.tsx';

export const metadata: Metadata = { title: 'Account · Berth' };
export const dynamic = 'force-dynamic';

export default function AccountPage() {
  return (
    <>
      <TopBar />
      <main className="page narrow">
        <div className="page-head">
          <h1>Account</h1>
        </div>
        <ChangePasswordForm />
      </main>
    </>
  );
}
