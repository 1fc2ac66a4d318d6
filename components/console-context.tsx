"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, useState, type ReactNode } from "react";
import type { Role } from "@/lib/auth/roles";

export type ConsoleUser = { username: string; name: string | null; role: Role };
type ConsoleContextValue = { user: ConsoleUser; csrfToken: string };

const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error("useConsole outside ConsoleProviders");
  return value;
}

/** One QueryClient per browser tab; the CSRF token and role come from the server-rendered layout. */
export function ConsoleProviders({ user, csrfToken, children }: ConsoleContextValue & { children: ReactNode }) {
  const [client] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: false, retry: 1 } } }),
  );
  return (
    <ConsoleContext.Provider value={{ user, csrfToken }}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </ConsoleContext.Provider>
  );
}
