'use client';

import { type FormEvent, useState } from 'react';

/**
 * Load a `docker save` archive onto one host. The file goes up as the request body (no tRPC:
 * it can be gigabytes), streamed by the control plane to the agent.
 */
export function LoadImage({ hostId, onDone }: { hostId: string; onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<{ kind: 'idle' | 'busy' } | { kind: 'ok' | 'error'; message: string }>({
    kind: 'idle',
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setState({ kind: 'busy' });
    try {
      const response = await fetch(`/api/hosts/${encodeURIComponent(hostId)}/images/load`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-tar' },
        body: file,
      });
      const body = (await response.json().catch(() => ({}))) as {
        images?: { tags: string[]; id: string }[];
        error?: string;
      };
      if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
      const names = (body.images ?? []).map((image) => image.tags[0] ?? image.id.slice(0, 19));
      setState({ kind: 'ok', message: `Loaded ${names.join(', ')}` });
      onDone();
    } catch (err) {
      setState({ kind: 'error', message: (err as Error).message });
    }
  };
  return (
    <form className="panel form-panel" onSubmit={submit} aria-label="Load an image">
      <h2>Load from a file</h2>
      <div className="field">
        <label htmlFor="load-file">Image archive (docker save)</label>
        <input
          id="load-file"
          type="file"
          accept=".tar,application/x-tar"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <button type="submit" className="button primary" disabled={!file || state.kind === 'busy'}>
        {state.kind === 'busy' ? 'Loading…' : 'Load'}
      </button>
      {state.kind === 'ok' ? (
        <div className="form-ok" role="status">
          {state.message}
        </div>
      ) : state.kind === 'error' ? (
        <div className="form-error" role="alert">
          {state.message}
        </div>
      ) : null}
    </form>
  );
}
