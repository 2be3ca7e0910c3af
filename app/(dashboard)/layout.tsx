import type { ReactNode } from "react";
import Link from "next/link";
import { NavLink } from "@/components/ui/nav-link";

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="bg-stone-900 text-white">
        <div className="mx-auto flex max-w-7xl items-center gap-4 px-4 py-2">
          <Link href="/" className="font-semibold tracking-tight">
            ◭ Cairn
          </Link>
          <nav aria-label="Main" className="flex gap-1">
            <NavLink href="/">Overview</NavLink>
          </nav>
        </div>
      </header>
      <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">{children}</main>
    </div>
  );
}
