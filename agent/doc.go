// Package agent runs one test in one browser until it reaches a verdict a
// QA engineer can trust and audit.
//
// A test is carried out in one of three ways, cheapest first:
//
//   - Replay: the actions of an earlier passing run, saved with element
//     fingerprints, are repeated with no model call at all.
//   - Explicit steps: `click "Sign in"`, `expect text "Welcome"`, run as
//     written, with no model.
//   - The model loop: observe the page, ask the model for the next action,
//     act, record — until the model calls finish or a limit is hit.
//
// When a replayed or explicit step no longer fits the page and a model is
// configured, the model takes over from that point (self-healing); after the
// next pass the saved replay is rewritten.
//
// Verdicts stay sharp: passed means every checkpoint was verified on the
// page by Argus itself (not merely claimed by the model); failed means the
// application did not do what the test says; error means Argus could not
// find out (browser gone, model unreachable, a limit hit). A model's
// "passed" is a claim Argus checks before it accepts it: every checkpoint
// verified by an assert Argus ran; for a goal without checkpoints, at least
// one positive check (text, visible, url, title) Argus verified during the
// attempt; and no 5xx answer from the application's own origin. An unproven
// claim is refused once, then fails the test (reason "unverified"); a
// server error fails it at once (reason "server_error").
//
// Console errors and failed requests join a summary only where they bear
// on the verdict: a failure, or a limit the page may have run the agent
// into — not an error of the model, the browser or a cancelled run.
//
// Secrets reach the browser and nothing else: the model sees
// {{secret.NAME}} placeholders, and every recorded, logged or returned text
// has secret values — and anything typed into a password field — masked to
// their first and last character.
//
// Glossary. A Test (package suite) says what to check. A Run is one trigger of
// one or more tests; an Agent (store.Agent) is one execution of one test in
// a run — not to be confused with this package's Agent, the engine that
// carries it out. Each call to Agent.Run is one Attempt: the unexported
// attempt type holds its state, and a retried agent makes a new attempt. A
// Replay is the saved actions of a passing attempt.
//
// "Step" has one meaning — one action of an attempt and its outcome — in
// the shape each layer needs:
//
//   - suite.Step: a step as written in a test ("click \"Sign in\""),
//     parsed and validated, not yet executed.
//   - ReplayStep: a suite.Step as executed, with the fingerprint of the
//     element it acted on, so a replay finds it again.
//   - Step (this package): the record of one executed step — thought,
//     action, outcome, timings, tokens, screenshot — handed to a Recorder.
//   - store.Step: that record as stored, screenshot moved to blob storage.
//   - api.Step: the stored record on the wire (REST API, MCP, webhooks).
//   - report.Step: the record as the JUnit/HTML reports show it, the
//     screenshot as a file path.
//
// A scripted model's script (package llm/scripted) is made of model turns,
// not steps: one turn may produce several steps, or none.
package agent
