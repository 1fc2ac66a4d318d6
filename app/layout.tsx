import type { Metadata } from "next";
import type { ReactNode } from "react";
import { themeBootScript } from "@/components/theme";
import "./globals.css";

export const metadata: Metadata = { title: { default: "Tarka", template: "%s · Tarka" }, description: "Evidence-backed triage for Prometheus alerts" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The boot script sets the `dark` class before hydration, hence the warning suppression on <html> only.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeBootScript }} />
      </head>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">{children}</body>
    </html>
  );
}
