import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/server/require-page-actor";
import { listUsers } from "@/lib/auth/manage-users";
import { AdminOnly, AdminTabs } from "@/components/admin/admin-tabs";
import { UsersAdmin } from "@/components/admin/users-admin";

export const metadata: Metadata = { title: "Users" };

export default async function UsersAdminPage() {
  const actor = await requirePageActor("/admin/users");
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="mb-3 text-lg font-semibold text-stone-900">Administration</h1>
      <AdminTabs current="users" />
      {can(actor, "admin.users") ? <UsersAdmin users={await listUsers(await getDb())} currentUserId={actor.userId} /> : <AdminOnly />}
    </div>
  );
}
