import assert from "node:assert/strict";
import { secretFilledIntoChosenPage } from "../../../src/rules/identity/secret-filled-into-chosen-page.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec, type ModelSpec } from "../rule-tester.js";

/**
 * An employees' browser agent: it opens pages through `browse` (fetch, `destination` as given) and
 * logs in through `login`, which types the portal password into the open page. The portal account
 * may read and write bookings.
 */
function browserAgent({ destination = "any", fill = { fills: ["portal-password"] } as Record<string, unknown>, tools = ["browse", "login"], grants = ["read", "write"], lifetime = "static", on = undefined as string[] | undefined } = {}): ModelSpec {
  return spec(internalAgent("agent", { tools }), {
    services: [
      { id: "browser", type: "sandbox" },
      { id: "portal", type: "web-app" },
    ],
    tools: [
      { id: "browse", runsOn: "browser", capabilities: [{ action: "fetch", destination, ...(on ? { on } : {}) }] },
      { id: "login", capabilities: [{ action: "write", on: ["browser"], ...fill }] },
    ],
    identities: [
      {
        id: "portal-account",
        type: "service-account",
        permissions: [{ resource: "portal", actions: grants }],
        credentials: [{ id: "portal-password", type: "password", lifetime, storage: "vault", presentIn: ["login"] }],
      },
    ],
  });
}

/**
 * The browser agent kept to the registered merchants' sites (allow-listed, enforced on the browser), which merchants
 * write; a high-capability adversary comes in through `via`.
 */
const merchantSites = (via: string[]) =>
  spec(browserAgent({ destination: "allow-listed", on: ["merchant-sites"] }), {
    actors: [{ id: "merchants", type: "partner", authenticated: true }],
    sources: [{ id: "merchant-sites", type: "web", writableBy: ["merchants"] }],
    adversaries: [{ id: "rogue-merchant", type: "organised-crime", capability: "high", via }],
    controls: [{ id: "merchant-domains", type: "egress-allowlist", covers: ["browse"], verified: true }],
  });

const originBinding = (status: string, verified: boolean) => ({ controls: [{ id: "origin-binding", type: "egress-allowlist", covers: ["login"], status, verified }] });

ruleTester(secretFilledIntoChosenPage, {
  valid: [
    // The write types nothing the model names into the page: it is a write, for TW-AGY-001.
    { name: "a write into the browser that fills nothing", model: browserAgent({ fill: {} }) },
    { name: "the agent opens allow-listed sites only", model: browserAgent({ destination: "allow-listed" }) },
    { name: "the allow-listed merchants' sites, where no adversary the model names gets in", model: merchantSites(["staff"]) },
    { name: "the agent opens internal sites only", model: browserAgent({ destination: "internal" }) },
    { name: "the agent opens one fixed page", model: browserAgent({ destination: "fixed" }) },
    // Another agent browses; the one that logs in reads only what staff send it.
    {
      name: "the agent that fills does not browse",
      model: spec(browserAgent({ tools: ["login"] }), { agents: [{ id: "researcher", models: ["llm"], tools: ["browse"] }], flows: [{ id: "staff-to-researcher", from: "staff", to: "researcher", channel: "api" }] }),
    },
  ],
  invalid: [
    {
      name: "the browser keeps to the registered merchants' sites, and the adversary comes in as a merchant: their look-alike login page is on the list",
      model: merchantSites(["merchants"]),
      findings: [
        {
          anchors: ["login", "portal-password"],
          check: (finding) => {
            assert.ok(finding.evidence.some((e) => e.element === "browse" && e.note === "opens allow-listed sites, and the list takes in merchant-sites, where rogue-merchant gets in"));
            assert.match(finding.reasons.at(-1)!, /Not counted: merchant-domains \(egress-allowlist\) lets browse reach merchant-sites, where rogue-merchant gets in/);
            assert.equal(finding.residual.score, finding.inherent.score);
          },
        },
      ],
    },
    {
      name: "a browsing agent's login broker types the portal password into the open page",
      model: browserAgent(),
      findings: [
        {
          anchors: ["login", "portal-password"],
          // Likelihood 4 (the fetched pages are the entry, exposure 4: no step), impact 3 (no delete,
          // admin, spend or execute grant): 12, high.
          severity: "high",
          summary: /agent opens pages of its own choosing through browse, and login types the password portal-password into whatever page is open: a look-alike page it is steered to receives a secret that works as portal-account/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.deepEqual(finding.path?.map((s) => [s.element, s.technique]), [
              ["browse", "AML.T0051.001"],
              ["agent", "AML.T0051.001"],
              ["browse", "AML.T0052"],
              ["login", "AML.T0098"],
            ]);
            assert.deepEqual(finding.missingControls, ["egress-allowlist", "human-approval"]);
          },
        },
      ],
    },
    {
      name: "an origin binding on the broker, implemented and verified",
      model: spec(browserAgent(), originBinding("implemented", true)),
      findings: [
        {
          anchors: ["login", "portal-password"],
          // 4 - 3 (the binding at full strength) = 1: residual 1x3 = 3, low.
          severity: "low",
          check: (finding) => {
            assert.equal(finding.residual.score, 3);
            assert.match(finding.reasons[2]!, /origin-binding \(egress-allowlist, implemented, verified\) lowers likelihood by 3/);
          },
        },
      ],
    },
    {
      // Two browsing agents call the broker; the public one (later in ID order) is the way in the finding tells.
      name: "the broker's most exposed caller sets the score",
      model: spec(browserAgent(), {
        actors: [{ id: "public-user", type: "public" }],
        agents: [{ id: "web-agent", models: ["llm"], tools: ["browse", "login"] }],
        flows: [{ id: "public-to-web-agent", from: "public-user", to: "web-agent", channel: "api" }],
      }),
      findings: [
        {
          anchors: ["login", "portal-password"],
          // Likelihood 4 + 1 (public entry) = 5; impact 3: 15.
          summary: /^web-agent opens pages of its own choosing/,
          check: (finding) => assert.equal(finding.inherent.score, 15),
        },
      ],
    },
    {
      name: "a short-lived token of an identity that may spend without a cap",
      model: browserAgent({ grants: ["read", "spend"], lifetime: "short-lived" }),
      findings: [
        {
          anchors: ["login", "portal-password"],
          // Impact 3 + 1 (uncapped spend) - 1 (short-lived) = 3.
          check: (finding) => {
            assert.equal(finding.inherent.impact, 3);
            assert.match(finding.reasons[1]!, /\+1 portal-account may spend on portal, with no cap on the total spent; -1 portal-password is short-lived/);
          },
        },
      ],
    },
    {
      name: "a card fill at checkout: data, scored by its sensitivity",
      model: spec(browserAgent({ fill: { fills: ["card-details"] } }), { data: [{ id: "card-details", classification: "restricted", flags: ["payment"] }] }),
      findings: [
        {
          anchors: ["login", "card-details"],
          // Impact 3 + 1 (restricted) = 4: 4x4 = 16.
          summary: /login types card-details into whatever page is open: a look-alike page it is steered to receives it\./,
          check: (finding) => assert.equal(finding.inherent.score, 16),
        },
      ],
    },
  ],
});
