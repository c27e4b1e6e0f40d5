'use client';

import { HostOptions } from './label-badges.tsx';

/** Which host an action (pull, load, create) goes to: online hosts only. */
export function HostPicker({
  hosts,
  value,
  onChange,
}: {
  hosts: readonly { id: string; name: string; status: string }[];
  value: string;
  onChange: (hostId: string) => void;
}) {
  const online = hosts.filter((host) => host.status === 'online');
  return (
    <label className="check">
      On host
      <select aria-label="Target host" value={value} onChange={(e) => onChange(e.target.value)}>
        {online.length === 0 ? <option value="">no host online</option> : null}
        <HostOptions hosts={online} />
      </select>
    </label>
  );
}
