import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A throw-away folder and a PATH whose first entry holds no-op stand-ins for the tools our
 * copy/paste commands call (kubectl, curl, openssl…), so a command can be run through the real
 * /bin/sh without reaching a cluster or the network. Tools an injection would use (touch) stay real.
 */
export type ShellSandbox = {
  dir: string;
  /**
   * Runs each script with /bin/sh in `dir`, each in its own subshell through `eval`, so one that
   * fails (a placeholder such as `<pod>` fails on purpose) or does not parse does not stop the rest.
   */
  run(scripts: string[]): void;
  /** Runs `printf '%s\n'`-style argv capture: the arguments `/bin/sh` passes for `words`. */
  argv(words: string): string[];
  /** Files that appeared in `dir`. */
  files(): string[];
  remove(): void;
};

const STUBS = ["kubectl", "curl", "openssl", "cmctl", "rabbitmqctl", "kafka-consumer-groups.sh", "nc", "nslookup", "redis-cli", "psql", "mysql", "base64", "head", "grep", "tail", "ip", "ethtool", "dmesg", "systemctl", "journalctl", "etcdctl", "nats", "aws", "promtool"];

export function shellSandbox(): ShellSandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tarka-sh-"));
  const bin = mkdtempSync(path.join(os.tmpdir(), "tarka-sh-bin-"));
  for (const name of STUBS) {
    writeFileSync(path.join(bin, name), "#!/bin/sh\nexit 0\n");
    chmodSync(path.join(bin, name), 0o755);
  }
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: dir } as unknown as NodeJS.ProcessEnv;
  return {
    dir,
    run(scripts) {
      try {
        execFileSync("/bin/sh", ["-c", 'for c in "$@"; do (eval "$c"); done', "sh", ...scripts], { cwd: dir, env, stdio: "ignore", timeout: 30_000 });
      } catch {
        // a failing command is fine; what it may have done is checked through files()
      }
    },
    argv(words) {
      const out = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${words}`], { cwd: dir, env, timeout: 5_000 });
      return out.toString("utf8").split("\0").slice(0, -1);
    },
    files: () => readdirSync(dir),
    remove() {
      rmSync(dir, { recursive: true, force: true });
      rmSync(bin, { recursive: true, force: true });
    },
  };
}
