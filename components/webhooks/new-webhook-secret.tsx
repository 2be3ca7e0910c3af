"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";

const VERIFY_EXAMPLE = `import { createHmac, timingSafeEqual } from "node:crypto";

// header: the X-Cairn-Signature request header; rawBody: the request body exactly as received
function verifyCairnSignature(secret, header, rawBody) {
  const m = /^t=(\\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!m || Math.abs(Date.now() / 1000 - Number(m[1])) > 300) return false; // missing, or older than 5 min
  const expected = createHmac("sha256", secret).update(\`\${m[1]}.\${rawBody}\`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2], "hex"));
}`;

/** How a receiver checks that a request comes from this Cairn: the signature header, what it signs, and an example. */
export function SignatureHelp({ open = false }: { open?: boolean }) {
  return (
    <details open={open} className="rounded-md border border-stone-200 bg-white p-3 text-sm text-stone-800">
      <summary className="cursor-pointer font-medium">How a receiver verifies a delivery</summary>
      <div className="mt-2 space-y-2 text-xs">
        <p>
          Every request carries <code className="font-mono">X-Cairn-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code>, where <code className="font-mono">v1</code> is the HMAC-SHA256, keyed with the webhook&apos;s signing
          secret, of <code className="font-mono">&lt;t&gt;.&lt;raw body&gt;</code> (the timestamp, a dot, then the body bytes as received).
        </p>
        <p>
          Recompute it over the raw body before parsing it, compare in constant time, and refuse a <code className="font-mono">t</code> more than 5 minutes from your clock so that a captured request cannot be replayed.{" "}
          <code className="font-mono">X-Cairn-Event</code> names the event and <code className="font-mono">X-Cairn-Delivery</code> the delivery: a retry repeats it, so deduplicate on it.
        </p>
        <pre className="overflow-x-auto rounded bg-stone-900 p-2 font-mono text-[11px] leading-relaxed text-stone-100">{VERIFY_EXAMPLE}</pre>
      </div>
    </details>
  );
}

/**
 * The new webhook's signing secret, shown this once (the server never sends it again): a copy
 * button, what to do with it, and how a receiver verifies a signature.
 */
export function NewWebhookSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const copySecret = async () => {
    try {
      // navigator.clipboard is missing outside a secure context: that throws here too.
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  };
  return (
    <div role="status" className="space-y-2 rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-900">
      <p className="font-medium">Webhook “{name}” added. Copy its signing secret now: you won&apos;t see it again.</p>
      <p className="text-xs">Give it to the receiver so that it can check each request comes from this Cairn. Cairn keeps it encrypted and never shows it again; if it is lost, delete the webhook and add it anew.</p>
      <div className="flex items-center gap-2">
        <code data-testid="webhook-secret" className="block flex-1 overflow-x-auto rounded bg-white px-2 py-1 font-mono text-xs text-stone-900">
          {secret}
        </code>
        <Button size="xs" onClick={() => void copySecret()}>
          {copy === "copied" ? "Copied" : "Copy"}
        </Button>
        <Button size="xs" onClick={onDone}>
          Done
        </Button>
      </div>
      {copy === "failed" && <p className="text-xs text-red-800">This browser did not let Cairn copy it: select the secret and copy it by hand.</p>}
      <SignatureHelp open />
    </div>
  );
}
