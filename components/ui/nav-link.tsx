"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

export function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const pathname = usePathname();
  const active = href === "/" ? pathname === "/" : pathname.startsWith(href);
  return (
    <Link href={href} aria-current={active ? "page" : undefined} className={`rounded px-2 py-1 text-sm ${active ? "bg-stone-800 text-white" : "text-stone-300 hover:bg-stone-800 hover:text-white"}`}>
      {children}
    </Link>
  );
}
