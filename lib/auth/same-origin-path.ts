const BASE = "http://tarka.invalid";

/**
 * Where to go after sign-in: `value` when it is a path on this site, else "/". `//evil.example`,
 * `/\evil.example` (browsers read a backslash as a slash) and anything with a scheme or control
 * characters leave the site, so they are refused; the result is the normalised path.
 */
export function sameOriginPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(value) || value.startsWith("//")) return "/";
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return "/";
  }
  return url.origin === BASE ? `${url.pathname}${url.search}${url.hash}` : "/";
}
