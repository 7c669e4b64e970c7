// Package suite reads Argus test files: YAML documents that describe tests
// by a goal in plain language, by explicit steps, or both.
//
// A file holds one or more YAML documents separated by "---". Each document
// is either one test:
//
//	name: Log in with the demo account
//	url: /login
//	steps:
//	  - type "demo@example.com" into "Email"
//	  - type "{{secret.demo_password}}" into "Password"
//	  - click role button "Log in"
//	  - expect text "Welcome back"
//
// or a mapping with a single key, tests, listing several. Parse reads one
// file, Load reads files and directories; both report every problem as an
// ErrorList whose entries name file:line:col, the field, what is wrong and
// what is valid.
//
// Explicit steps use a small language parsed by ParseStep into a Step, a
// value an executor can run without a model and that Step.String writes
// back in canonical form. The agent's replay feature saves a model's actions
// as Steps the same way.
//
// Secrets appear only as placeholders {{secret.NAME}}; Test.Secrets lists
// the ones a test needs. Test.Hash identifies a test's behaviour for the
// replay cache. Schema returns the JSON Schema editors use to check files
// as they are typed.
//
// The format and the step language are described for users in
// docs/test-files.md.
package suite
