'use client';

import { ConfirmButton } from '../../ui/confirm-button.tsx';

export type BulkAction = 'start' | 'stop' | 'remove';

/** Start, stop or remove every selected container; removing asks first. */
export function BulkActions({
  count,
  busy,
  onAction,
}: {
  count: number;
  busy: boolean;
  onAction: (action: BulkAction) => void;
}) {
  const none = count === 0 || busy;
  return (
    <fieldset className="toolbar bulk" aria-label="Selected containers">
      <span className="selection">{count} selected</span>
      <button type="button" className="button small" disabled={none} onClick={() => onAction('start')}>
        Start
      </button>
      <button type="button" className="button small" disabled={none} onClick={() => onAction('stop')}>
        Stop
      </button>
      <ConfirmButton
        className="button small danger"
        label="Remove"
        disabled={none}
        title={`Remove ${count} ${count === 1 ? 'container' : 'containers'}?`}
        confirmLabel="Remove"
        onConfirm={() => onAction('remove')}
      >
        Running ones are stopped first. Their writable layers are deleted; named volumes stay.
      </ConfirmButton>
    </fieldset>
  );
}
