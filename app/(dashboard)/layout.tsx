import type { ReactNode } from "react";
import Link from "next/link";
import { NavLink } from "@/components/ui/nav-link";
import { UserMenu } from "@/components/auth/user-menu";
import { startUpProblems } from "@/lib/server/start-up";

export default function DashboardLayout({ children }: { children: ReactNode }) {
  const problems = startUpProblems();
  return (
    <div className="flex min-h-screen flex-col">
      <header className="bg-stone-900 text-white">
        <div className="mx-auto flex max-w-7xl items-center gap-4 px-4 py-2">
          <Link href="/" className="font-semibold tracking-tight">
            ◭ Cairn
          </Link>
          <nav aria-label="Main" className="flex gap-1">
            <NavLink href="/">Overview</NavLink>
            <NavLink href="/runs">Runs</NavLink>
            <NavLink href="/audit">Audit</NavLink>
          </nav>
          <div className="ml-auto">
            <UserMenu />
          </div>
        </div>
      </header>
      {problems.length > 0 && (
        <div role="alert" className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-900">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">{children}</main>
    </div>
  );
}
