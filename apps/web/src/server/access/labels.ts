/** Host labels: a flat string map, the one zod schema used by hosts and host-group selectors. */
import { z } from 'zod';

export const LabelsSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(63)
      .regex(/^[A-Za-z0-9._/-]+$/, 'label keys are letters, digits and . _ / -'),
    z.string().max(255),
  )
  .refine((labels) => Object.keys(labels).length <= 64, 'at most 64 labels');
export type Labels = z.infer<typeof LabelsSchema>;

/** Stored JSON as labels (a row written by an older version could hold anything). */
export function labelsOf(json: unknown): Labels {
  const parsed = LabelsSchema.safeParse(json);
  return parsed.success ? parsed.data : {};
}

export function labelsMatch(labels: Labels, selector: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
