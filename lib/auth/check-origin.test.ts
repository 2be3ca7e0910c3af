import { describe, expect, it } from "vitest";
import { isSameOriginRequest, safeNextPath } from "@/lib/auth/check-origin";

const h = (o: Partial<{ origin: string | null; secFetchSite: string | null; host: string | null; forwardedHost: string | null }>) => ({
  origin: null,
  secFetchSite: null,
  host: null,
  forwardedHost: null,
  ...o,
});

describe("isSameOriginRequest", () => {
  it("accepts our own origin by Host, X-Forwarded-Host, request URL or CAIRN_PUBLIC_URL", () => {
    expect(isSameOriginRequest(h({ origin: "http://cairn.local:3000", host: "cairn.local:3000" }), "http://0.0.0.0:3000/x", undefined)).toBe(true);
    expect(isSameOriginRequest(h({ origin: "https://cairn.corp", host: "10.0.0.5:3000", forwardedHost: "cairn.corp" }), "http://10.0.0.5:3000/x", undefined)).toBe(true);
    expect(isSameOriginRequest(h({ origin: "http://localhost:3000" }), "http://localhost:3000/x", undefined)).toBe(true);
    expect(isSameOriginRequest(h({ origin: "https://cairn.corp", host: "internal:3000" }), "http://internal:3000/x", "https://cairn.corp/")).toBe(true);
    expect(isSameOriginRequest(h({ secFetchSite: "same-origin" }), "http://x/", undefined)).toBe(true);
  });

  it("refuses other sites, a null origin, and requests that carry neither header", () => {
    expect(isSameOriginRequest(h({ origin: "https://evil.example", host: "cairn.corp" }), "https://cairn.corp/x", undefined)).toBe(false);
    expect(isSameOriginRequest(h({ origin: "https://cairn.corp.evil.example", host: "cairn.corp" }), "https://cairn.corp/x", "https://cairn.corp")).toBe(false);
    expect(isSameOriginRequest(h({ origin: "null", secFetchSite: "same-origin" }), "http://x/", undefined)).toBe(false);
    expect(isSameOriginRequest(h({ secFetchSite: "same-site" }), "http://x/", undefined)).toBe(false);
    expect(isSameOriginRequest(h({}), "http://x/", undefined)).toBe(false);
    expect(isSameOriginRequest(h({ origin: "not a url" }), "http://x/", undefined)).toBe(false);
  });
});

describe("safeNextPath", () => {
  it("keeps same-origin relative paths and drops everything else", () => {
    expect(safeNextPath("/projects/shop/envs/prod?tab=runs#x")).toBe("/projects/shop/envs/prod?tab=runs#x");
    for (const bad of [null, undefined, "", "https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil", "javascript:alert(1)", "/ok\n", "projects"]) {
      expect(safeNextPath(bad as string), String(bad)).toBe("/");
    }
  });
});
