/** A container's published ports as Docker Desktop shows them: TCP ones are links to the host's port. */
export function PublishedPorts({
  ports,
  hostAddress,
}: {
  ports: readonly { hostIp: string; hostPort: number; containerPort: number; protocol: 'tcp' | 'udp' }[];
  hostAddress: string;
}) {
  if (ports.length === 0) return <span className="sub">—</span>;
  return (
    <span className="ports">
      {ports.map((p) => {
        const text = `${p.hostPort}:${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`;
        // a port bound to one address is reached there; one on every address at the host's name
        const address = p.hostIp && p.hostIp !== '0.0.0.0' ? p.hostIp : hostAddress;
        return p.protocol === 'tcp' ? (
          <a
            key={text}
            href={`http://${address}:${p.hostPort}`}
            target="_blank"
            rel="noreferrer"
            className="mono"
          >
            {text}
          </a>
        ) : (
          <span key={text} className="mono">
            {text}
          </span>
        );
      })}
    </span>
  );
}
