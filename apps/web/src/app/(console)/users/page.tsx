import type { Metadata } from 'next';
import { TeamsView } from './teams-view.tsx';
import { UsersView } from './users-view.tsx';

export const metadata: Metadata = { title: 'Users & teams · Berth' };

export default function UsersPage() {
  return (
    <main className="page">
      <div className="page-head">
        <h1>Users &amp; teams</h1>
      </div>
      <UsersView />
      <TeamsView />
    </main>
  );
}
