import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { can } from "@/lib/auth/permissions";
import { isAppError } from "@/lib/errors";
import { requirePageActor } from "@/lib/server/require-page-actor";
import { listWebhooks } from "@/lib/webhooks/manage-webhooks";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS } from "@/lib/webhooks/webhook-events";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { WebhooksAdmin } from "@/components/webhooks/webhooks-admin";

export const metadata: Metadata = { title: "Webhooks" };
export const dynamic = "force-dynamic";

/** A project's webhooks and their delivery logs. Admins only (webhooks.manage); the API routes refuse everyone else as well. */
export default async function ProjectWebhooksPage({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const actor = await requirePageActor(`/admin/projects/${encodeURIComponent(project)}/webhooks`);
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="mb-3 text-lg font-semibold text-stone-900">Administration</h1>
      <AdminTabs current="projects" />
      {can(actor, "webhooks.manage") ? (
        <ProjectWebhooks project={project} />
      ) : (
        <div role="alert" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
          Admins only: only admins can see and manage a project&apos;s webhooks and their delivery logs. Ask an admin if you need a change.
        </div>
      )}
    </div>
  );
}

async function ProjectWebhooks({ project }: { project: string }) {
  let webhooks;
  try {
    // Masked URLs only: the stored URL and the signing secret never leave lib/webhooks.
    webhooks = await listWebhooks(await getDb(), project);
  } catch (e) {
    if (isAppError(e) && e.code === "not-found") notFound();
    throw e;
  }
  return (
    <>
      <h2 className="mb-3 text-base font-semibold text-stone-900">
        <Link href="/admin/projects" className="text-stone-500 hover:underline">
          Projects
        </Link>{" "}
        / {project} / Webhooks
      </h2>
      {/* Client state per project: navigating to another project's webhooks starts afresh. */}
      <WebhooksAdmin key={project} project={project} initial={webhooks} events={WEBHOOK_EVENTS} formats={WEBHOOK_FORMATS} />
    </>
  );
}
