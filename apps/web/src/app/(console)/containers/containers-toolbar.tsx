'use client';

import { ContainerStatus } from '@berth/protocol';
import { useState } from 'react';
import { labelsMatch } from '../../../server/access/labels.ts';
import { parseKeyValueLines } from '../../ui/key-value-lines.ts';
import { HostOptions } from '../../ui/label-badges.tsx';

const SORTS = [
  ['name', 'Name'],
  ['image', 'Image'],
  ['host', 'Host'],
  ['status', 'Status'],
  ['createdAt', 'Created'],
] as const;

/** What the server filters and sorts (the stored copy of every host's containers), plus a label selector. */
export type ListFilter = {
  server: {
    search?: string;
    hostId?: string;
    status?: ContainerStatus;
    sort: (typeof SORTS)[number][0];
    order: 'asc' | 'desc';
  };
  /** `key=value` pairs, space-separated; every pair must match */
  label: string;
};

export const NO_FILTER: ListFilter = { server: { sort: 'name', order: 'asc' }, label: '' };

export function withLabel<T extends { labels: Record<string, string> }>(rows: T[], label: string): T[] {
  const selector = parseKeyValueLines(label.trim().split(/\s+/).join('\n'));
  return selector.ok ? rows.filter((row) => labelsMatch(row.labels, selector.value)) : rows;
}

export function ContainersToolbar({
  filter,
  onChange,
  hosts,
}: {
  filter: ListFilter;
  onChange: (filter: ListFilter) => void;
  hosts: readonly { id: string; name: string }[];
}) {
  const [search, setSearch] = useState(filter.server.search ?? '');
  const server = (patch: Partial<ListFilter['server']>) => {
    const next = { ...filter.server, ...patch };
    for (const key of ['search', 'hostId', 'status'] as const) if (!next[key]) delete next[key];
    onChange({ ...filter, server: next });
  };
  return (
    <search className="toolbar" aria-label="Filter containers">
      <input
        className="grow"
        type="search"
        aria-label="Search containers"
        placeholder="Search name or image"
        value={search}
        onChange={(e) => {
          setSearch(e.target.value);
          server({ search: e.target.value.trim() });
        }}
      />
      <select
        aria-label="Host"
        value={filter.server.hostId ?? ''}
        onChange={(e) => server({ hostId: e.target.value })}
      >
        <option value="">All hosts</option>
        <HostOptions hosts={hosts} />
      </select>
      <select
        aria-label="State"
        value={filter.server.status ?? ''}
        onChange={(e) =>
          server({ status: e.target.value ? ContainerStatus.parse(e.target.value) : undefined })
        }
      >
        <option value="">Any state</option>
        {ContainerStatus.options.map((status) => (
          <option key={status}>{status}</option>
        ))}
      </select>
      <input
        aria-label="Label"
        placeholder="Label key=value"
        value={filter.label}
        onChange={(e) => onChange({ ...filter, label: e.target.value })}
      />
      <select
        aria-label="Sort by"
        value={filter.server.sort}
        onChange={(e) => server({ sort: SORTS.find(([key]) => key === e.target.value)?.[0] ?? 'name' })}
      >
        {SORTS.map(([key, label]) => (
          <option key={key} value={key}>
            Sort: {label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button small"
        aria-label={filter.server.order === 'asc' ? 'Sort descending' : 'Sort ascending'}
        onClick={() => server({ order: filter.server.order === 'asc' ? 'desc' : 'asc' })}
      >
        {filter.server.order === 'asc' ? '↑' : '↓'}
      </button>
    </search>
  );
}
