// Package demo bundles Argus's demo: the demo web application (package
// demo/app) and the test suite that exercises it (demo/suite/*.yaml, also
// embedded here so an installed binary can run the demo without a checkout).
//
// The suite has explicit-step tests that run with no model, goal-only
// tests that need one, and one test that fails on purpose against the
// app's deliberately broken settings page (its expected_failure says why).
package demo

import (
	"embed"
	"io/fs"

	"github.com/argusqa/argus/demo/app"
	"github.com/argusqa/argus/suite"
)

//go:embed suite/*.yaml
var suiteFS embed.FS

// SuiteDir is the suite's directory, both inside SuiteFS and relative to
// this package in the repository (demo/suite).
const SuiteDir = "suite"

// SuiteFS returns the embedded demo suite; its files are under SuiteDir.
func SuiteFS() fs.FS { return suiteFS }

// LoadSuite parses the embedded demo suite.
func LoadSuite() ([]*suite.Test, error) { return suite.LoadFS(suiteFS, SuiteDir) }

// LoadFullSuite parses the embedded demo suite with its plans and personas.
func LoadFullSuite() (*suite.Suite, error) { return suite.LoadSuiteFS(suiteFS, SuiteDir) }

// Secrets returns the secrets the demo suite refers to, by name. The demo
// accounts' password and authenticator seed are public (it is a demo), but
// the suite still uses placeholders to show how secrets work.
func Secrets() map[string]string {
	return map[string]string{"demo_password": app.DemoPassword, "demo_totp": app.DemoTOTPURL}
}
