export * from "./received-alerts";
export * from "./dedupe-claims";
export * from "./cases";
export * from "./investigation-runs";
export * from "./dead-letters";
export * from "./auth";
export * from "./audit";
export * from "./api-tokens";
