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
// find out (browser gone, model unreachable, a limit hit).
//
// Secrets reach the browser and nothing else: the model sees
// {{secret.NAME}} placeholders, and every recorded, logged or returned text
// has secret values — and anything typed into a password field — masked to
// their first and last character.
package agent
