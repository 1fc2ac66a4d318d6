import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { errorMessage, ServiceError } from "@/lib/errors";
import type { ReportStore } from "./types";

/** In-flight writes; `list` hides them and keys may not look like them. */
const TEMP_NAME = /\.tmp-[0-9a-f]{16}$/;

/** Reports as files under `root` (embedded mode). Writes are atomic: temp file, then rename. */
export function createFsStore({ root }: { root: string }): ReportStore {
  const base = path.resolve(root);

  const fileOf = (key: string): string => {
    const segments = key.split("/");
    const isSafe =
      key !== "" &&
      !key.includes("\\") &&
      !key.includes("\0") &&
      !path.isAbsolute(key) &&
      segments.every((s) => s !== "" && s !== "." && s !== "..") &&
      !TEMP_NAME.test(key);
    if (!isSafe) throw new ServiceError("invalid_input", `report key ${JSON.stringify(key)} is not a relative path inside the store`);
    return path.join(base, ...segments);
  };

  const unavailable = (action: string, key: string, e: unknown) =>
    new ServiceError("unavailable", `report store ${action} ${path.join(base, key)} failed: ${errorMessage(e)}`, { cause: e });

  return {
    kind: "fs",

    async put(key, body) {
      const file = fileOf(key);
      const temp = `${file}.tmp-${randomBytes(8).toString("hex")}`;
      try {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(temp, body, "utf8");
        await rename(temp, file);
      } catch (e) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw unavailable("put", key, e);
      }
    },

    async get(key) {
      const file = fileOf(key);
      try {
        return await readFile(file, "utf8");
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return null;
        throw unavailable("get", key, e);
      }
    },

    async list(prefix) {
      // Only walk the folder the prefix pins down; the rest of the prefix filters file names.
      const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      const start = folder === "" ? base : fileOf(folder);
      const keys: string[] = [];
      const walk = async (dir: string, keyPrefix: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === "ENOENT" || code === "ENOTDIR") return;
          throw unavailable("list", keyPrefix, e);
        }
        for (const entry of entries) {
          const key = `${keyPrefix}${entry.name}`;
          if (entry.isDirectory()) {
            const folderKey = `${key}/`;
            if (folderKey.startsWith(prefix) || prefix.startsWith(folderKey)) await walk(path.join(dir, entry.name), folderKey);
          } else if (entry.isFile() && !TEMP_NAME.test(entry.name) && key.startsWith(prefix)) keys.push(key);
        }
      };
      await walk(start, folder === "" ? "" : `${folder}/`);
      return keys.sort();
    },

    async isReady() {
      try {
        await mkdir(base, { recursive: true });
        await access(base, constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
  };
}
