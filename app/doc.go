// Package app is Argus's application layer: the use cases every front end
// calls — the REST API (package server), the web UI (package web) and the
// MCP server. Each rule lives here once: who may do what, how input is
// checked, the sign-in limit, how a run is started or cancelled, when a run
// counts as finished, the export format, the live event stream.
//
// Front ends decode their input (JSON, forms, tool arguments), call an App
// method with the caller's Principal, and render what comes back. Errors
// that are answers to the caller are *Error values with a Code, a sentence
// and the fields at fault; every other error is an internal failure the
// front end logs and reports without details.
//
// Vocabulary (the same word means the same thing in every package):
//
//   - Test: what to check, in plain language (a goal and checkpoints) or
//     as explicit steps, stored per project or read from a YAML file.
//   - Run: one trigger (a click, an API call, CI, a schedule) of one or
//     more tests.
//   - Agent: one execution of one test inside a run, with a status and a
//     verdict (store.Agent). The engine that drives the browser for it is
//     package agent.
//   - Attempt: one try of an agent; infrastructure failures are retried as
//     new attempts, each with its own steps.
//   - Step: one iteration of an attempt: thought, action, outcome,
//     screenshot (store.Step is the recorded form).
//   - Replay: the actions of a passing attempt, saved to run the test
//     again without a model.
package app
