// The few parts of oidc-provider (which ships no types) that the e2e issuer uses.
declare module "oidc-provider" {
  import type { Server } from "node:http";
  type Account = { accountId: string; claims(): Promise<Record<string, unknown>> };
  type Configuration = {
    clients: Record<string, unknown>[];
    claims?: Record<string, string[]>;
    conformIdTokenClaims?: boolean;
    findAccount(ctx: unknown, id: string): Promise<Account | undefined>;
    features?: Record<string, { enabled: boolean }>;
  };
  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    listen(port: number, host: string, callback: () => void): Server;
  }
}
