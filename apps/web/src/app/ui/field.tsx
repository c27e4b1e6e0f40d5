'use client';

import type { ReactNode } from 'react';
import type { z } from 'zod';

/**
 * The first problem the server's own zod schema finds with a value, or null. Forms show it as the
 * user types (once the field was touched), so the browser and the server agree on what is valid.
 */
export function schemaError(schema: z.ZodType, value: unknown): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'invalid');
}

export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | null;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      ) : hint ? (
        <span className="sub">{hint}</span>
      ) : null}
    </div>
  );
}

/** Props that tie an input to its Field's error message. */
export function invalidProps(id: string, error: string | null | undefined) {
  return error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
}
