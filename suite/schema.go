package suite

import (
	_ "embed"
	"slices"
)

//go:embed schema.json
var schemaJSON []byte

// SchemaID is the $id of the test file JSON Schema.
const SchemaID = "urn:argusqa:schema:test-file:1"

// Schema returns the JSON Schema (draft 2020-12) of one test file document,
// for editors (yaml-language-server and the web UI's editor). It checks
// the shape of a test; Parse is the authority and also checks what a
// schema cannot express: the step grammar beyond the verb, unique names,
// timeout bounds and secret placeholders.
func Schema() []byte { return slices.Clone(schemaJSON) }
