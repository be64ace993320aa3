// The commented model `threatwright init` writes: small, valid, and a template
// for the parts every AI system has (who talks to it, the model, the agent,
// its tools, where its output goes, the identities behind the tools).

/**
 * The starter model. It records no review: none has happened, and a review dated the day init ran
 * would have status call an untouched template up to date, and check pass it as fresh, for a
 * whole cadence.
 */
export function starterModel(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
# Threatwright model. Describe the AI system as it is; 'threatwright validate'
# checks this file, and docs/model.md of the threatwright package explains every field.
threatwright: 1

system:
  id: my-assistant
  name: My assistant
  description: A chat assistant that answers questions from our documentation.
  owner: team@example.com

review:
  owner: appsec@example.com
  cadence: P90D              # review at least every 90 days
  # No review is recorded yet, so 'threatwright status' calls the model stale.
  # When a review is done, record it here (uncomment, and fill in its date):
  # lastReview:
  #   date: YYYY-MM-DD       # the day of the review
  #   by: appsec@example.com

# Who uses or feeds the system. 'public' and 'customer' actors are untrusted:
# text they write can carry instructions for the model.
actors:
  - id: users
    type: public
    authenticated: false

boundaries:
  - id: internet
    type: internet
  - id: our-cloud
    type: cloud-account
  - id: llm-vendor
    type: vendor

# Where people see the model's output, and what the client does with it.
clients:
  - id: chat-widget
    type: web-chat
    boundary: internet
    handles: [renders-markdown, renders-links]

models:
  - id: chat-model
    provider: Example AI
    hosting: hosted-api
    version: example-model-2026-01-01
    pinned: true
    boundary: llm-vendor

prompts:
  - id: system-prompt
    role: system
    version: "1"
    path: prompts/system.md

agents:
  - id: assistant
    boundary: our-cloud
    models: [chat-model]
    prompts: [system-prompt]
    tools: [search-docs]
    autonomy: autonomous
    runsAs: assistant-sa

# Tools say what they can do (read, write, delete, execute, send, publish,
# spend, fetch) and on which resources.
tools:
  - id: search-docs
    boundary: our-cloud
    runsAs: assistant-sa
    capabilities:
      - action: read
        on: [docs-index]

datastores:
  - id: docs-index
    type: vector
    boundary: our-cloud
    holds: [product-docs]

data:
  - id: product-docs
    classification: public
  - id: chat-messages
    classification: confidential
    flags: [personal]

flows:
  - id: user-asks
    from: users
    to: chat-widget
    channel: api
    data: [chat-messages]
  - id: widget-to-assistant
    from: chat-widget
    to: assistant
    channel: api
    data: [chat-messages]
  - id: assistant-answers
    from: assistant
    to: chat-widget
    channel: output
    data: [chat-messages]

# Non-human identities, what they may do, and their secrets (never the values).
identities:
  - id: assistant-sa
    type: service-account
    owner: team@example.com
    permissions:
      - resource: docs-index
        actions: [read]
    credentials:
      - id: llm-api-key
        type: api-key
        lifetime: static
        storage: secret-manager
        location: LLM_API_KEY
        presentIn: [assistant]
        rotation:
          period: P90D

# Safeguards that exist, what they cover, and the evidence for them.
controls:
  - id: answer-rate-limit
    type: rate-limit
    covers: [assistant]
    status: implemented
    evidence:
      - type: config
        ref: gateway/limits.yaml
    verified: false

workflows:
  - id: chat
    name: Documentation chat
    components: [users, chat-widget, assistant, chat-model, search-docs, docs-index]
`;
}
