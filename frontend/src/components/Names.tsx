import { useLabels } from "../api/hooks/catalogue";

/** An algorithm's friendly label; its code name in a tooltip, for those who use the API. */
export function AlgorithmName({ name }: { name: string }) {
  const labels = useLabels();
  const label = labels.algorithm(name);
  return <span title={label === name ? undefined : name}>{label}</span>;
}

/** A metric's friendly label; its code name in a tooltip. */
export function MetricName({ name }: { name: string }) {
  const labels = useLabels();
  const label = labels.metric(name);
  return <span title={label === name ? undefined : name}>{label}</span>;
}
