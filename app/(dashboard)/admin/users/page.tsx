import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getActor } from "@/lib/auth/get-actor";
import { listUsers } from "@/lib/auth/manage-users";
import { AdminOnly, AdminTabs } from "@/components/admin/admin-tabs";
import { UsersAdmin } from "@/components/admin/users-admin";

export const metadata: Metadata = { title: "Users" };

export default async function UsersAdminPage() {
  const actor = await getActor();
  if (!actor) redirect("/login?next=/admin/users");
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="mb-3 text-lg font-semibold text-stone-900">Administration</h1>
      <AdminTabs current="users" />
      {actor.role === "admin" ? <UsersAdmin users={await listUsers(await getDb())} currentUserId={actor.userId} /> : <AdminOnly />}
    </div>
  );
}
