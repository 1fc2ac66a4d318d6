/** The header that carries the CSRF token; its own module so client bundles take it without node:crypto. */
export const CSRF_HEADER = "x-tarka-csrf";
