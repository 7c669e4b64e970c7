// Package mcp is Argus's Model Context Protocol server, for coding agents:
// the same tools over two transports, built on the official SDK
// (github.com/modelcontextprotocol/go-sdk).
//
//   - Streamable HTTP at /mcp on `argus serve` (HTTPHandler): every request
//     carries a bearer API key, authenticated by app.AuthenticateKey; the
//     tools call app.App methods with the key's Principal, so tenant scope,
//     roles and test-file rules are the API's own.
//   - stdio (`argus mcp`): tests are YAML files in a directory on the
//     developer's machine and run in this process with package runner,
//     against the developer's localhost, like `argus run`.
//
// Tools: list_tests, run_tests, get_run, get_agent, save_test and
// explain_failure. run_tests sends progress notifications while a run is
// in flight when the client asked for them (a progress token), and
// cancelling the request cancels the run.
//
// A Backend is what the tools work on; the two transports differ only in
// the Backend they hand the tools.
package mcp
