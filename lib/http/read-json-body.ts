import { ServiceError } from "@/lib/errors";

/**
 * Read a JSON request body of at most `maxBytes`. Errors carry the HTTP meaning:
 * 415 when it is not JSON, 413 when too large, 400 when it does not parse.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type.trim())) {
    throw new ServiceError("unsupported_media_type", `expected Content-Type application/json, got ${type || "none"}`);
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    throw new ServiceError("payload_too_large", `body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const text = await readCapped(req, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    // V8's message quotes the body around the error: an error answer must not echo the payload.
    throw new ServiceError("invalid_input", "body is not valid JSON");
  }
}

async function readCapped(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ServiceError("payload_too_large", `body exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
