'use client';

/** The engine's inspect document as JSON, with a copy button. */
export function InspectPanel({ info }: { info: unknown }) {
  const json = JSON.stringify(info, null, 2);
  return (
    <div className="panel">
      <div className="toolbar" style={{ padding: '10px 16px 0' }}>
        <button
          type="button"
          className="button small"
          onClick={() => navigator.clipboard?.writeText(json).catch(() => {})}
        >
          Copy JSON
        </button>
      </div>
      <pre className="code" data-testid="inspect-json">
        {json}
      </pre>
    </div>
  );
}
