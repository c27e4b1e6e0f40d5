'use client';

import { LabelBadges } from '../../../../ui/label-badges.tsx';
import type { InspectView } from './inspect-view.ts';
import { publishedPorts } from './inspect-view.ts';

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  );
}

export function OverviewPanel({ info }: { info: InspectView }) {
  const ports = typeof window === 'undefined' ? [] : publishedPorts(info, window.location.hostname);
  const config = info.Config;
  return (
    <div className="panel">
      <table className="list overview" aria-label="Overview">
        <tbody>
          <Row label="Image">
            <span className="mono">{config?.Image ?? info.Image}</span>
          </Row>
          <Row label="Command">
            <span className="mono">{[...(config?.Entrypoint ?? []), ...(config?.Cmd ?? [])].join(' ')}</span>
          </Row>
          <Row label="Status">
            {info.State.Status}
            {info.State.Running ? '' : ` (exit code ${info.State.ExitCode ?? '?'})`}
          </Row>
          <Row label="Started">
            {info.State.StartedAt ? new Date(info.State.StartedAt).toLocaleString() : '—'}
          </Row>
          <Row label="Restart policy">{info.HostConfig?.RestartPolicy?.Name || 'no'}</Row>
          <Row label="Ports">
            {ports.length
              ? ports.map((port) => (
                  <a key={port.href} className="port-link" href={port.href} target="_blank" rel="noreferrer">
                    {port.label}
                  </a>
                ))
              : 'none published'}
          </Row>
          <Row label="Mounts">
            {info.Mounts?.length
              ? info.Mounts.map((mount) => (
                  <div key={mount.Destination} className="mono">
                    {mount.Source ?? mount.Type} → {mount.Destination}
                  </div>
                ))
              : 'none'}
          </Row>
          <Row label="Environment">
            {(config?.Env ?? []).map((line) => (
              <div key={line} className="mono">
                {line}
              </div>
            ))}
          </Row>
          <Row label="Labels">
            <LabelBadges labels={config?.Labels ?? {}} />
          </Row>
        </tbody>
      </table>
    </div>
  );
}
