import { describe, expect, it } from "vitest";
import * as client from "openid-client";
import { decodeOidcFlow, encodeOidcFlow, OIDC_FLOW_MAX_AGE_S } from "@/lib/auth/oidc-flow-cookie";

describe("OIDC flow cookie (state, nonce, PKCE verifier)", () => {
  const flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next: "/projects/x" };

  it("round-trips when the callback's state matches", () => {
    const v = encodeOidcFlow(flow);
    expect(decodeOidcFlow(v, flow.state)).toMatchObject(flow);
  });

  it("refuses a wrong or missing state, an expired flow, tampering and garbage", () => {
    const now = new Date();
    const v = encodeOidcFlow(flow, now);
    expect(decodeOidcFlow(v, "other-state-value-xyz")).toBeNull();
    expect(decodeOidcFlow(v, null)).toBeNull();
    expect(decodeOidcFlow(undefined, flow.state)).toBeNull();
    expect(decodeOidcFlow(v, flow.state, new Date(now.getTime() + (OIDC_FLOW_MAX_AGE_S + 5) * 1000))).toBeNull();
    const tampered = Buffer.from(JSON.stringify({ ...flow, verifier: "short", exp: 9e9 })).toString("base64url");
    expect(decodeOidcFlow(tampered, flow.state)).toBeNull();
    expect(decodeOidcFlow("%%%not-base64%%%", flow.state)).toBeNull();
  });

  it("derives an S256 PKCE challenge different from the verifier", async () => {
    const challenge = await client.calculatePKCECodeChallenge(flow.verifier);
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).not.toBe(flow.verifier);
  });
});
