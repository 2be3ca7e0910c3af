import { z } from "zod";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS } from "@/lib/webhooks/webhook-events";

export const ZCreateWebhookSchema = z.object({
  name: z.string().trim().min(1, "Give the webhook a name, e.g. “#releases on Slack”.").max(100),
  url: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => {
      try {
        return ["https:", "http:"].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, "Enter the receiver's full http(s) URL, e.g. https://hooks.slack.com/services/…"),
  format: z.enum(WEBHOOK_FORMATS),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, "Choose at least one event to send.").max(WEBHOOK_EVENTS.length),
});
export type TCreateWebhook = z.infer<typeof ZCreateWebhookSchema>;

/** A webhook as admins see it: the URL masked, the secret never. */
export interface WebhookView {
  id: string;
  name: string;
  urlMasked: string;
  format: string;
  events: string[];
  createdBy: string;
  createdAt: string;
}

/** One row of the delivery log (admins only). */
export interface WebhookDeliveryView {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}
