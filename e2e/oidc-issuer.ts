// A local OpenID Connect issuer standing in for Google: any e-mail typed at its login prompt signs
// in as that address, with email_verified true. Serves the real OIDC wire protocol (oidc-provider).
import type { Server } from "node:http";
import Provider from "oidc-provider";

export type OidcIssuer = { url: string; stop(): Promise<void> };

export async function startOidcIssuer(options: { port: number; clientId: string; clientSecret: string; redirectUri: string }): Promise<OidcIssuer> {
  const url = `http://127.0.0.1:${options.port}`;
  const provider = new Provider(url, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // Google puts email and name in the ID token, and next-auth's Google provider reads them from there.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: id, email_verified: true, name: id.split("@")[0] }),
    }),
    features: { devInteractions: { enabled: true } },
  });
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(options.port, "127.0.0.1", () => resolve(s));
  });
  return { url, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
