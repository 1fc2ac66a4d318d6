import type { ProviderCall } from "../recorder";

/** Recorded Kubernetes reads that answer null on failure and keep the failures to explain an unresolved subject. */
export type KubeReads = {
  read<T>(query: string, run: () => Promise<T>, isEmpty: (value: T) => boolean): Promise<T | null>;
  readonly failures: string[];
};

export function kubeReads(call: ProviderCall): KubeReads {
  const failures: string[] = [];
  return {
    failures,
    async read(query, run, isEmpty) {
      const r = await call("kubernetes", query, run, isEmpty);
      if (r.ok) return r.value;
      failures.push(r.error);
      return null;
    },
  };
}
