/** Same value as lib/auth/csrf.ts CSRF_HEADER, kept here so client bundles do not pull node:crypto. */
export const CSRF_HEADER_NAME = "x-tarka-csrf";
