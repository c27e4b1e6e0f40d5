'use client';

import { PullImageInput, type PullProgress } from '@berth/protocol';
import { skipToken } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { formatBytes } from '../../format.ts';
import { useTRPC } from '../../trpc.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, invalidProps, schemaError } from '../../ui/field.tsx';
import { HostPicker } from '../../ui/host-picker.tsx';
import { FormError } from '../../ui/query-state.tsx';

type Pull = { hostId: string } & PullImageInput;
type Outcome = { kind: 'done'; reference: string; upToDate: boolean } | { kind: 'error'; error: unknown };

const DONE = new Set(['Pull complete', 'Already exists']);

function percent(layer: PullProgress): number {
  if (DONE.has(layer.status)) return 100;
  if (layer.current === undefined || !layer.total) return 0;
  return Math.min(100, Math.round((layer.current / layer.total) * 100));
}

function LayerBar({ layer }: { layer: PullProgress }) {
  const done = percent(layer);
  const bytes = layer.total ? `${formatBytes(layer.current ?? 0)} / ${formatBytes(layer.total)}` : '';
  return (
    <div className="layer-row" data-testid="pull-layer">
      <span className="mono">{layer.layer}</span>
      <div
        className="progress"
        role="progressbar"
        aria-label={`layer ${layer.layer}`}
        aria-valuenow={done}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <span style={{ width: `${done}%` }} />
      </div>
      <span>
        {layer.status} {bytes}
      </span>
    </div>
  );
}

/**
 * docker pull from the browser: the reference is checked with the link's own schema as it is
 * typed, then each layer shows a bar. Closing the dialog mid-pull cancels it on the host.
 */
export function PullDialog({
  open,
  onClose,
  onPulled,
  hosts,
  hostId,
}: {
  open: boolean;
  onClose: () => void;
  onPulled: () => void;
  hosts: readonly { id: string; name: string; status: string }[];
  hostId: string;
}) {
  const trpc = useTRPC();
  const [host, setHost] = useState('');
  const [reference, setReference] = useState('');
  const [platform, setPlatform] = useState('');
  const [touched, setTouched] = useState(false);
  const [pull, setPull] = useState<Pull | null>(null);
  const [layers, setLayers] = useState<Map<string, PullProgress>>(new Map());
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const target = host || hostId;
  const referenceError = touched ? schemaError(PullImageInput.shape.reference, reference) : null;
  const platformError = platform ? schemaError(PullImageInput.shape.platform, platform) : null;
  const running = pull !== null && outcome === null;
  const subscription = useSubscription(
    trpc.images.pull.subscriptionOptions(running ? pull : skipToken, {
      onData: (event) => {
        if (event.kind === 'progress') {
          const { kind: _, ...layer } = event;
          setLayers((prev) => new Map(prev).set(layer.layer, layer));
        } else {
          setOutcome({ kind: 'done', reference: event.reference, upToDate: event.upToDate });
          onPulled();
        }
      },
      onError: (error) => setOutcome({ kind: 'error', error }),
    }),
  );
  // a pull is not retried behind the user's back: a lost connection ends it, with its reason
  const lost = running && subscription.status === 'connecting' ? subscription.error : null;
  useEffect(() => {
    if (lost) setOutcome({ kind: 'error', error: lost });
  }, [lost]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    const parsed = PullImageInput.safeParse({ reference, platform: platform || undefined });
    if (!parsed.success || !target) return;
    setLayers(new Map());
    setOutcome(null);
    setPull({ hostId: target, ...parsed.data });
  };
  const close = () => {
    setPull(null);
    setOutcome(null);
    setLayers(new Map());
    onClose();
  };

  return (
    <Dialog open={open} title="Pull an image" onClose={close} wide>
      <form onSubmit={submit} aria-label="Pull an image" noValidate>
        <div className="dialog-body">
          <HostPicker hosts={hosts} value={target} onChange={setHost} />
          <Field id="pull-reference" label="Image" error={referenceError}>
            <input
              id="pull-reference"
              className="mono"
              placeholder="busybox:latest"
              value={reference}
              disabled={running}
              onChange={(e) => {
                setReference(e.target.value);
                setTouched(true);
              }}
              {...invalidProps('pull-reference', referenceError)}
            />
          </Field>
          <Field id="pull-platform" label="Platform" error={platformError} hint="empty: this host's">
            <input
              id="pull-platform"
              className="mono"
              placeholder="linux/arm64"
              value={platform}
              disabled={running}
              onChange={(e) => setPlatform(e.target.value)}
              {...invalidProps('pull-platform', platformError)}
            />
          </Field>
          <div aria-live="polite">
            {[...layers.values()].map((layer) => (
              <LayerBar key={layer.layer} layer={layer} />
            ))}
          </div>
          {outcome?.kind === 'done' ? (
            <div className="form-ok" role="status">
              {outcome.upToDate ? `Image is up to date: ${outcome.reference}` : `Pulled ${outcome.reference}`}
            </div>
          ) : null}
          <FormError error={outcome?.kind === 'error' ? outcome.error : null} />
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={close}>
            {running ? 'Cancel pull' : 'Close'}
          </button>
          <button
            type="submit"
            className="button primary"
            disabled={running || !target || referenceError !== null || platformError !== null}
          >
            {running ? 'Pulling…' : 'Pull'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
