/** Tabs between the users and tokens admin pages. */
export function AdminTabs({ current }: { current: "users" | "tokens" | "projects" }) {
  const tab = (key: "users" | "tokens" | "projects", label: string) => (
    <a href={`/admin/${key}`} aria-current={current === key ? "page" : undefined} className={`rounded-md px-3 py-1.5 text-sm font-medium ${current === key ? "bg-stone-900 text-white" : "text-stone-600 hover:bg-stone-100"}`}>
      {label}
    </a>
  );
  return (
    <nav className="mb-4 flex gap-2" aria-label="Admin sections">
      {tab("users", "Users")}
      {tab("tokens", "API tokens")}
      {tab("projects", "Projects")}
    </nav>
  );
}

/** Shown instead of an admin page to someone who is not an admin (the API refuses them as well). */
export function AdminOnly() {
  return <div className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">Only admins can manage users and API tokens. Ask an admin if you need a change.</div>;
}
