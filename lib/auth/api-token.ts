import { createHash, randomBytes } from "node:crypto";
import { apiTokens } from "@/lib/db/schema";
import type { Role } from "./roles";

export const API_TOKEN_PREFIX = "tarka_";
/** `tarka_` plus the first 8 characters of the secret: enough to find the row, far too little to guess the rest. */
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8;
/** 32 random bytes in base64url. */
const SECRET_LENGTH = 43;

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export type ApiTokenSummary = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

export function newApiTokenSecret(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function hashApiToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** The display prefix of a well-formed token, or null when the string cannot be one of ours. */
export function apiTokenPrefix(token: string): string | null {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length !== API_TOKEN_PREFIX.length + SECRET_LENGTH) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(token.slice(API_TOKEN_PREFIX.length))) return null;
  return token.slice(0, DISPLAY_PREFIX_LENGTH);
}

export function toApiTokenSummary(row: ApiTokenRow): ApiTokenSummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    createdBy: row.createdByName,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
