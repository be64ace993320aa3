import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { textReport } from "../../src/report/text.js";
import { analysed } from "../diagram/helpers.js";

describe("the terminal report's header", () => {
  const support = analysed("examples/support-assistant").analysis;

  it("lists every injectable agent and entry point of a model of ordinary size", () => {
    const text = textReport(support);
    assert.match(text, /\nInjectable agents: support-agent\n/);
    assert.match(text, /\nUntrusted entry points: customers, support-tickets, web-visitors\n/);
  });

  it("lists the first 20 of a large model's and counts the rest, so the summary stays readable", () => {
    const agents = Array.from({ length: 25 }, (_, i) => `agent-${String(i).padStart(2, "0")}`);
    const text = textReport({ ...support, summary: { ...support.summary, injectableAgents: agents, untrustedEntryPoints: agents.slice(0, 20) } });
    assert.match(text, new RegExp(`\\nInjectable agents: ${agents.slice(0, 20).join(", ")} … and 5 more\\n`));
    assert.match(text, new RegExp(`\\nUntrusted entry points: ${agents.slice(0, 20).join(", ")}\\n`));
  });
});
