"use client";

/**
 * A project's webhooks (admins only; every route checks webhooks.manage itself): the list, adding,
 * removing and testing one, and each one's delivery log — read again while a delivery is pending.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { callApi } from "@/components/ui/call-api";
import type { WebhookDeliveryView, WebhookView } from "@/lib/webhooks/manage-webhooks.types";

/** What the add form sends, as typed: the server parses it with ZCreateWebhookSchema and names each bad field (422). */
export type WebhookFormInput = { name: string; url: string; format: string; events: string[] };

/** POST's answer: the new webhook and its signing secret, which no later answer carries. */
export type CreatedWebhook = { webhook: WebhookView; secret: string };

/** While a delivery is pending (its first attempt or a retry is due), the log is read this often. */
const PENDING_POLL_MS = 2_000;

const webhooksPath = (project: string) => `/api/projects/${encodeURIComponent(project)}/webhooks`;
const webhookPath = (project: string, id: string) => `${webhooksPath(project)}/${encodeURIComponent(id)}`;

export const webhooksKey = (project: string) => ["webhooks", project] as const;
export const deliveriesKey = (project: string, id: string) => ["webhook-deliveries", project, id] as const;

/** The project's webhooks, URLs masked: as the page rendered them, read again after each change. */
export function useWebhooks(project: string, initial: WebhookView[]) {
  return useQuery({
    queryKey: webhooksKey(project),
    queryFn: ({ signal }) => callApi<{ webhooks: WebhookView[] }>("GET", webhooksPath(project), undefined, { signal }).then((r) => r.webhooks),
    initialData: initial,
  });
}

/** One webhook's last 100 deliveries, newest first; polled while any is still pending. */
export function useWebhookDeliveries(project: string, id: string) {
  return useQuery({
    queryKey: deliveriesKey(project, id),
    queryFn: ({ signal }) => callApi<{ deliveries: WebhookDeliveryView[] }>("GET", `${webhookPath(project, id)}/deliveries`, undefined, { signal }).then((r) => r.deliveries),
    refetchInterval: (query) => (query.state.data?.some((d) => d.status === "pending") ? PENDING_POLL_MS : false),
  });
}

/** Adds a webhook; the answer carries its signing secret, this once. */
export function useCreateWebhook(project: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: WebhookFormInput) => callApi<CreatedWebhook>("POST", webhooksPath(project), input),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhooksKey(project) }),
  });
}

/**
 * Removes a webhook and its delivery log. `onDeleted` is called here, not through mutate's own
 * callbacks: those never fire once the list, read again, no longer has the card that asked.
 */
export function useDeleteWebhook(project: string, id: string, onDeleted: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => callApi<unknown>("DELETE", webhookPath(project, id)),
    onSuccess: () => {
      onDeleted();
      return qc.invalidateQueries({ queryKey: webhooksKey(project) });
    },
  });
}

/** Queues a "webhook.test" delivery; the log is read again at once and then polled until it settles. */
export function useTestWebhook(project: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => callApi<{ delivery: WebhookDeliveryView }>("POST", `${webhookPath(project, id)}/test`),
    onSuccess: () => qc.invalidateQueries({ queryKey: deliveriesKey(project, id) }),
  });
}
