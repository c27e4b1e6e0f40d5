import { EngineError } from '../../engine/errors.ts';
import { TIME_NAMESPACE_CLOCKS } from '../../engine/oci/spec.ts';

/**
 * Clock offsets ride on HostConfig.Annotations (API ≥ 1.43, `docker run --annotation`), since
 * Docker has no field for them: `io.berth.timens.monotonic-offset=SECONDS` and
 * `io.berth.timens.boottime-offset=SECONDS` (whole seconds, may be negative). Other annotations
 * are kept by Docker for the runtime; Berth's runtime reads only these.
 */
export const TIME_OFFSET_ANNOTATION = (clock: (typeof TIME_NAMESPACE_CLOCKS)[number]) =>
  `io.berth.timens.${clock}-offset`;

export function timeOffsetsFromAnnotations(
  annotations: Record<string, string> | null | undefined,
): Partial<Record<(typeof TIME_NAMESPACE_CLOCKS)[number], number>> | undefined {
  const offsets: Partial<Record<(typeof TIME_NAMESPACE_CLOCKS)[number], number>> = {};
  for (const clock of TIME_NAMESPACE_CLOCKS) {
    const key = TIME_OFFSET_ANNOTATION(clock);
    const value = annotations?.[key];
    if (value === undefined) continue;
    if (!/^-?\d{1,12}$/.test(value.trim()))
      throw new EngineError('invalid', `invalid annotation ${key}=${value}: whole seconds expected`);
    offsets[clock] = Number(value.trim());
  }
  return Object.keys(offsets).length ? offsets : undefined;
}
