import type { Metadata } from 'next';
import { TokensView } from './tokens-view.tsx';

export const metadata: Metadata = { title: 'API tokens · Berth' };

export default function TokensPage() {
  return <TokensView />;
}
