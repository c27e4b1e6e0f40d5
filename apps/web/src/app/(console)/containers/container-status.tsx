/** A container's state as a coloured badge (the class names follow the engine's states). */
export function ContainerStatusBadge({ status, exitCode }: { status: string; exitCode?: number }) {
  const label = status === 'exited' && exitCode !== undefined ? `exited (${exitCode})` : status;
  return (
    <span className={`badge ${status}`} data-testid="container-status">
      {label}
    </span>
  );
}
