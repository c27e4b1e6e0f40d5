'use client';

import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '../../../../trpc.tsx';
import { appendLines, matchingLines } from './log-lines.ts';

/** Live logs (the last 500 lines, then followed), searchable and downloadable. */
export function LogsPanel({ hostId, containerId }: { hostId: string; containerId: string }) {
  const trpc = useTRPC();
  const [buffer, setBuffer] = useState<{ lines: string[]; carry: string }>({ lines: [], carry: '' });
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const pre = useRef<HTMLPreElement>(null);
  const logs = useSubscription(
    trpc.containers.logs.subscriptionOptions(
      { hostId, id: containerId, follow: true, tail: 500, timestamps: false },
      { onData: (chunk) => setBuffer((prev) => appendLines(prev.lines, chunk.text, prev.carry)) },
    ),
  );
  const shown = matchingLines(buffer.carry ? [...buffer.lines, buffer.carry] : buffer.lines, search);
  useEffect(() => {
    if (follow && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  });
  const download = () => {
    const blob = new Blob([`${buffer.lines.join('\n')}\n${buffer.carry}`], { type: 'text/plain' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${containerId.slice(0, 12)}.log`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <div className="panel">
      <div className="toolbar" style={{ padding: '10px 16px 0' }}>
        <input
          className="grow"
          type="search"
          aria-label="Search logs"
          placeholder="Search logs"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <button type="button" className="button small" onClick={download}>
          Download
        </button>
        <span className="sub" role="status">
          {logs.status === 'error'
            ? `Stopped: ${logs.error?.message}`
            : logs.status === 'pending'
              ? 'Following'
              : ''}
        </span>
      </div>
      <pre ref={pre} className="logs" data-testid="logs" role="log" aria-label="Logs">
        {shown.length ? shown.join('\n') : search ? 'No line matches.' : 'No output yet.'}
      </pre>
    </div>
  );
}
