'use client';

import { type ReactNode, useState } from 'react';
import { Dialog } from './dialog.tsx';

/** A destructive action behind a question: the button opens a dialog, only its confirm acts. */
export function ConfirmButton({
  label,
  title,
  confirmLabel,
  children,
  onConfirm,
  disabled = false,
  className = 'button danger',
}: {
  label: ReactNode;
  title: string;
  confirmLabel: string;
  children?: ReactNode;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={className} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </button>
      <Dialog open={open} title={title} onClose={() => setOpen(false)}>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="button danger solid"
            onClick={() => {
              setOpen(false);
              onConfirm();
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </Dialog>
    </>
  );
}
