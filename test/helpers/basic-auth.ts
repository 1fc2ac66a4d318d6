import type http from "node:http";

export type BasicAuth = { username: string; password: string };

/**
 * For fakes of servers deployed behind Basic auth (VictoriaLogs `-httpAuth.*`, Loki behind its
 * gateway): answers 401 with a `WWW-Authenticate` challenge, as they do, unless the request carries
 * the expected credentials. True when the request may proceed.
 */
export function checkBasicAuth(req: http.IncomingMessage, res: http.ServerResponse, auth: BasicAuth | undefined): boolean {
  if (!auth) return true;
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
  if (req.headers.authorization === expected) return true;
  res.writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Basic realm="Restricted"' }).end("Unauthorized\n");
  return false;
}
