import type { LogMatch } from "./report";
import type { HypothesisCategory } from "./vocabulary";

type LogPattern = {
  id: string;
  category: HypothesisCategory;
  title: string;
  test: RegExp;
  /** Pulls out the detail that makes the finding actionable: host:port, variable name, path. */
  detail?: (line: string) => string | null;
};

const hostPort = /(?:\[?[a-z0-9_.:-]*[a-z0-9_-]\]?|\d{1,3}(?:\.\d{1,3}){3}):\d{2,5}\b/i;

function findHostPort(line: string): string | null {
  const tagged = /(?:dial tcp|connect(?:ing)? to|connection to|ECONNREFUSED|ETIMEDOUT|host|server at|upstream)\s*:?\s*"?((?:[a-z0-9_.-]+|\d{1,3}(?:\.\d{1,3}){3}):\d{2,5})\b/i.exec(
    line,
  );
  if (tagged?.[1]) return tagged[1];
  const any = line.match(new RegExp(hostPort.source, "gi"));
  return any?.find((m) => !/^\d{1,2}:\d{2}(:\d{2})?$/.test(m) && !/^\d{4}-\d{2}/.test(m)) ?? null;
}

function firstGroup(re: RegExp): (line: string) => string | null {
  return (line) => re.exec(line)?.slice(1).find(Boolean) ?? null;
}

/** Ordered: the first pattern a line matches is the one it counts for. */
export const logPatterns: LogPattern[] = [
  {
    id: "oom",
    category: "oom",
    title: "out of memory",
    test: /out of memory|OutOfMemoryError|heap out of memory|Cannot allocate memory|\bMemoryError\b|OOMKilled|std::bad_alloc/i,
  },
  {
    id: "disk_full",
    category: "disk_full",
    title: "disk full",
    test: /no space left on device|ENOSPC|disk (is )?full|Disk quota exceeded/i,
    detail: firstGroup(/(?:write|open|mkdir|create)\s+(\/[^\s:]+)/i),
  },
  {
    id: "tls_error",
    category: "cert_expiry",
    title: "TLS or certificate error",
    test: /x509:|certificate (has )?expired|certificate verify failed|certificate signed by unknown authority|tls: (handshake|bad certificate)|SSL(_| )?(routines|handshake|error)|CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE/i,
    detail: findHostPort,
  },
  {
    id: "dns_failure",
    category: "network",
    title: "DNS resolution failure",
    test: /no such host|Name or service not known|\bENOTFOUND\b|EAI_AGAIN|Temporary failure in name resolution|could not resolve host|nodename nor servname/i,
    detail: firstGroup(/(?:lookup|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|resolve host:?)\s+([a-z0-9_.-]+)/i),
  },
  {
    id: "connection_refused",
    category: "dependency_unavailable",
    title: "connection refused",
    test: /connection refused|ECONNREFUSED|Connection reset by peer|ECONNRESET|no healthy upstream|upstream connect error/i,
    detail: findHostPort,
  },
  {
    id: "connection_timeout",
    category: "dependency_unavailable",
    title: "connection timed out",
    test: /(dial tcp|connect(ion)?|ETIMEDOUT).{0,80}(timed? ?out|timeout)|i\/o timeout|ETIMEDOUT|context deadline exceeded/i,
    detail: findHostPort,
  },
  {
    id: "database_auth",
    category: "config_error",
    title: "database authentication failed",
    test: /password authentication failed|Access denied for user|authentication failed for user|SASL authentication failed/i,
    detail: firstGroup(/(?:for user|user)\s+"?'?([a-z0-9_.-]+)/i),
  },
  {
    id: "pool_exhausted",
    category: "database_slow",
    title: "connection pool exhausted",
    test: /too many (clients|connections)|remaining connection slots are reserved|pool (is )?exhausted|timeout (acquiring|waiting for) (a )?connection|QueuePool limit/i,
  },
  {
    id: "slow_query",
    category: "database_slow",
    title: "slow or blocked database queries",
    test: /slow query|statement timeout|canceling statement due to|lock wait timeout|deadlock detected/i,
  },
  {
    id: "migration_failure",
    category: "bad_rollout",
    title: "schema migration failure",
    test: /migration.{0,60}(fail|error)|Dirty database version|relation "[^"]+" does not exist|column "[^"]+" (of relation "[^"]+" )?does not exist/i,
    detail: firstGroup(/(relation "[^"]+"|column "[^"]+"|migration [^\s:]+)/i),
  },
  {
    id: "missing_env",
    category: "config_error",
    title: "missing environment variable or config key",
    // Go (envconfig, os.Getenv checks), Python (KeyError, pydantic), Node, Java/Spring placeholders, Ruby ENV.fetch, Rust env::var.
    test: /(environment variable|env var)\s+"?'?[A-Z0-9_]+"?'?\s+(is )?(not set|missing|required|undefined|empty)|(missing|required|undefined|unset)\s+(required\s+)?(environment variable|env var|config(uration)? key|setting)|KeyError: '[A-Za-z0-9_]+'|key not found: "[A-Za-z0-9_]+"|required key [A-Za-z0-9_]+ missing value|Could not resolve placeholder '[^']+'|environment variable not found|\[type=missing,|must be set|is not defined in (the )?environment/i,
    detail: firstGroup(/KeyError: '([A-Za-z0-9_]+)'|key not found: "([A-Za-z0-9_]+)"|required key ([A-Za-z0-9_]+)|placeholder '([^']+)'|(?:variable|var|key|setting)\s*:?\s*"?'?([A-Z][A-Z0-9_]{2,})|\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b/),
  },
  {
    id: "config_invalid",
    category: "config_error",
    title: "invalid or unreadable configuration",
    test: /(invalid|bad|malformed|unknown|unmarshal)\s.{0,30}(config|configuration|yaml|setting)|failed to (load|parse|read) (config|configuration)|config(uration)? file .{0,40}(not found|missing)/i,
    detail: firstGroup(/((?:\/[\w.-]+)+\.(?:ya?ml|json|toml|ini|conf))/i),
  },
  {
    id: "missing_config_file",
    category: "config_error",
    title: "configuration or secret file missing",
    // Only files that are configuration or mounted credentials: a missing data file is not a config error.
    test: /(no such file or directory|ENOENT|FileNotFoundException|FileNotFoundError|cannot find the file).{0,80}\.(ya?ml|json|toml|ini|conf|cfg|properties|env|pem|crt|key)\b|\.(ya?ml|json|toml|ini|conf|cfg|properties|env|pem|crt|key)\b.{0,40}(no such file or directory|does not exist|not found)/i,
    detail: firstGroup(/((?:\/[\w.-]+)+\.(?:ya?ml|json|toml|ini|conf|cfg|properties|env|pem|crt|key))\b/i),
  },
  {
    id: "bad_flag",
    category: "config_error",
    title: "unknown or missing command-line flag",
    test: /flag provided but not defined|unknown (flag|option|shorthand flag)|unrecognized arguments?:|required flag\(s\) .{0,40}not set|missing required (argument|option|flag)/i,
    detail: firstGroup(/(?:defined|flag|option|arguments?):\s*'?"?(-{1,2}[\w-]+)/i),
  },
  {
    id: "permission_denied",
    category: "permission_error",
    title: "permission denied",
    test: /permission denied|EACCES|EPERM|operation not permitted|is forbidden: User|403 Forbidden|AccessDenied/i,
    detail: firstGroup(/(?:open|mkdir|access|read|write)\s+(\/[^\s:]+)|is forbidden: (User "[^"]+")/i),
  },
  {
    id: "address_in_use",
    category: "config_error",
    title: "address already in use",
    test: /address already in use|EADDRINUSE|bind: address/i,
    detail: findHostPort,
  },
  {
    id: "panic",
    category: "app_crash",
    title: "panic or unhandled exception",
    test: /^panic:|\bpanic:|Traceback \(most recent call last\)|Unhandled(Promise)?Rejection|uncaught exception|Exception in thread|segmentation fault|SIGSEGV|fatal error:|\bFATAL\b/i,
  },
];

const maxSampleLength = 300;

function patternOf(line: string): LogPattern | undefined {
  return logPatterns.find((p) => p.test.test(line));
}

/** The pattern a line counts towards in matchLogPatterns, if any; the console highlights those lines. */
export function logPatternIdOf(line: string): string | null {
  return patternOf(line)?.id ?? null;
}

/** Which known failure patterns the lines show, most frequent first (ties keep library order). */
export function matchLogPatterns(lines: string[], podOf: (index: number) => string | null = () => null): LogMatch[] {
  const hits = new Map<string, { pattern: LogPattern; count: number; sample: string; detail: string | null; pods: Set<string> }>();
  for (const [i, line] of lines.entries()) {
    const pattern = patternOf(line);
    if (!pattern) continue;
    const pod = podOf(i);
    const hit = hits.get(pattern.id);
    if (hit) {
      hit.count += 1;
      hit.detail ??= pattern.detail?.(line) ?? null;
      if (pod) hit.pods.add(pod);
    } else {
      hits.set(pattern.id, { pattern, count: 1, sample: line.slice(0, maxSampleLength), detail: pattern.detail?.(line) ?? null, pods: new Set(pod ? [pod] : []) });
    }
  }
  const order = new Map(logPatterns.map((p, i) => [p.id, i]));
  return [...hits.values()]
    .sort((a, b) => b.count - a.count || (order.get(a.pattern.id) ?? 0) - (order.get(b.pattern.id) ?? 0))
    .map((h) => ({
      patternId: h.pattern.id,
      category: h.pattern.category,
      title: h.pattern.title,
      count: h.count,
      sample: h.sample,
      detail: h.detail,
      ...(h.pods.size ? { pods: [...h.pods].sort() } : {}),
    }));
}
