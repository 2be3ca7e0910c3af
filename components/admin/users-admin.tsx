"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { UserSummary } from "@/lib/auth/manage-users";
import { ROLE_LABELS, ROLES } from "@/lib/auth/actor";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/ui/call-api";

const field = "rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm";

/** Users table with role changes, disable/enable, password reset, and a create form. All calls hit /api/admin/users. */
export function UsersAdmin({ users, currentUserId }: { users: UserSummary[]; currentUserId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [resetFor, setResetFor] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const run = (work: () => Promise<unknown>, done: string) =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      try {
        await work();
        setNotice(done);
        router.refresh();
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    });

  return (
    <div className="space-y-6">
      {error && <Alert tone="error">{error}</Alert>}
      {notice && <Alert tone="success">{notice}</Alert>}

      <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
        <table className="min-w-full divide-y divide-stone-200 text-sm">
          <thead className="bg-stone-50 text-left text-xs font-semibold tracking-wide text-stone-500 uppercase">
            <tr>
              <th className="px-3 py-2">User</th>
              <th className="px-3 py-2">Role</th>
              <th className="px-3 py-2">Sign-in</th>
              <th className="px-3 py-2">Status</th>
              <th className="px-3 py-2" />
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {users.map((u) => (
              <tr key={u.id} className={u.disabled ? "text-stone-400" : ""}>
                <td className="px-3 py-2">
                  <p className="font-medium">
                    {u.name || u.email}
                    {u.id === currentUserId && <span className="ml-1 text-xs text-stone-500">(you)</span>}
                  </p>
                  {u.name && <p className="text-xs text-stone-500">{u.email}</p>}
                </td>
                <td className="px-3 py-2">
                  <label className="sr-only" htmlFor={`role-${u.id}`}>
                    Role of {u.email}
                  </label>
                  <select
                    id={`role-${u.id}`}
                    className={field}
                    value={u.role}
                    disabled={pending}
                    onChange={(e) => run(() => callApi("PATCH", `/api/admin/users/${u.id}`, { role: e.target.value }), `${u.email} is now ${ROLE_LABELS[e.target.value as UserSummary["role"]]}.`)}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {ROLE_LABELS[r]}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="px-3 py-2 text-xs text-stone-600">{[u.hasPassword && "password", u.sso && "single sign-on"].filter(Boolean).join(", ") || "—"}</td>
                <td className="px-3 py-2">{u.disabled ? "Disabled" : "Active"}</td>
                <td className="space-x-2 px-3 py-2 text-right whitespace-nowrap">
                  <Button size="sm" disabled={pending} onClick={() => run(() => callApi("PATCH", `/api/admin/users/${u.id}`, { disabled: !u.disabled }), `${u.email} ${u.disabled ? "enabled" : "disabled; their sessions ended"}.`)}>
                    {u.disabled ? "Enable" : "Disable"}
                  </Button>
                  <Button size="sm" disabled={pending} onClick={() => setResetFor(resetFor === u.id ? null : u.id)}>
                    Reset password
                  </Button>
                  {resetFor === u.id && (
                    <form
                      className="mt-2 flex justify-end gap-2"
                      onSubmit={(e) => {
                        e.preventDefault();
                        const password = String(new FormData(e.currentTarget).get("password") ?? "");
                        run(async () => {
                          await callApi("POST", `/api/admin/users/${u.id}/password`, { password });
                          setResetFor(null);
                        }, `New password set for ${u.email}; their sessions ended.`);
                      }}
                    >
                      <label className="sr-only" htmlFor={`pw-${u.id}`}>
                        New password for {u.email}
                      </label>
                      <input id={`pw-${u.id}`} name="password" type="password" autoComplete="new-password" minLength={12} required placeholder="New password (12+)" className={field} />
                      <Button type="submit" size="sm" disabled={pending}>
                        Set
                      </Button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="rounded-lg border border-stone-200 bg-white p-4">
        <h2 className="text-sm font-semibold text-stone-800">Add a user</h2>
        <form
          className="mt-3 grid gap-3 sm:grid-cols-5"
          onSubmit={(e) => {
            e.preventDefault();
            const formEl = e.currentTarget;
            const f = new FormData(formEl);
            const input = { email: f.get("email"), name: f.get("name"), password: f.get("password"), role: f.get("role") };
            run(
              async () => {
                await callApi("POST", "/api/admin/users", input);
                formEl.reset();
              },
              `Created ${String(input.email)}.`,
            );
          }}
        >
          <input name="email" type="email" required placeholder="E-mail" aria-label="E-mail" className={field} />
          <input name="name" placeholder="Name (optional)" aria-label="Name" className={field} />
          <input name="password" type="password" required minLength={12} autoComplete="new-password" placeholder="Password (12+)" aria-label="Password" className={field} />
          <select name="role" defaultValue="viewer" aria-label="Role" className={field}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
          <Button type="submit" disabled={pending} variant="primary">
            Add user
          </Button>
        </form>
      </section>
    </div>
  );
}
