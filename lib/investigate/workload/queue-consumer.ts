import type { WorkloadSummary } from "../providers/types";

/** Labels naming the queue (RabbitMQ, SQS), consumer group (Kafka) or durable consumer (NATS JetStream), most specific first. */
const queueLabels = ["consumergroup", "consumer", "consumer_name", "durable_name", "queue", "queue_name", "dimension_QueueName", "stream", "stream_name", "topic"];

/** Words every queue or worker name may carry; they say nothing about which workload consumes. */
const noise = new Set(["queue", "q", "topic", "stream", "group", "consumer", "consumers", "cg", "events", "event", "messages", "jobs", "v1", "v2", "prod", "dev", "default"]);
const workerWords = new Set(["worker", "workers", "consumer", "processor", "handler", "subscriber", "listener"]);

export function queueNameOf(labels: Record<string, string>): { label: string; name: string } | null {
  const label = queueLabels.find((l) => labels[l]);
  return label ? { label, name: labels[label] as string } : null;
}

function words(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => (w.length > 3 && w.endsWith("s") ? w.slice(0, -1) : w));
}

/**
 * The workloads of the namespace that look like the queue's consumers, best first: a name equal to
 * the consumer group / durable name, else shared name words (singular, generic words dropped), a
 * worker-like name breaking ties. Empty when no name word is shared.
 */
export function consumerCandidates(queue: string, workloads: WorkloadSummary[]): Array<WorkloadSummary & { score: number }> {
  const wanted = new Set(words(queue).filter((w) => !noise.has(w)));
  return workloads
    .map((w) => {
      const own = words(w.name);
      const appLabel = w.labels["app.kubernetes.io/name"] ?? w.labels.app ?? "";
      const shared = own.filter((x) => wanted.has(x)).length;
      const exact = w.name === queue || appLabel === queue ? 10 : 0;
      const worker = own.some((x) => workerWords.has(x)) || /worker|consumer/.test(w.labels["app.kubernetes.io/component"] ?? "") ? 1 : 0;
      return { ...w, score: exact + shared * 2 + (shared || exact ? worker : 0) };
    })
    .filter((w) => w.score >= 2)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
}
