/** A line chart as SVG: values over time, scaled to the largest (or a fixed maximum). */
export function Sparkline({
  values,
  max,
  label,
}: {
  values: readonly number[];
  max?: number;
  label: string;
}) {
  const width = 300;
  const height = 100;
  const top = Math.max(max ?? 0, ...values, 1e-9);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - (v / top) * height).toFixed(1)}`);
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
      data-points={values.length}
    >
      <line
        className="baseline"
        x1="0"
        y1={height - 1}
        x2={width}
        y2={height - 1}
        vectorEffect="non-scaling-stroke"
      />
      <polyline
        points={points.join(' ')}
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}
