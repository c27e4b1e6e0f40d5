/** Labels as `key=value` badges. */
export function LabelBadges({ labels }: { labels: Readonly<Record<string, string>> }) {
  return Object.entries(labels).map(([key, value]) => (
    <span key={key} className="badge">
      {key}={value}
    </span>
  ));
}

/** The `<option>`s of a host picker. */
export function HostOptions({ hosts }: { hosts: readonly { id: string; name: string }[] }) {
  return hosts.map((host) => (
    <option key={host.id} value={host.id}>
      {host.name}
    </option>
  ));
}
