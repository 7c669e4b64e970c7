package suite

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatalf("schema.json is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	// Compile validates the schema against the draft 2020-12 meta-schema.
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return sch
}

// yamlDocuments returns the non-empty documents of a YAML stream as
// JSON-compatible values, the way an editor hands them to a validator.
func yamlDocuments(t *testing.T, src []byte) []any {
	t.Helper()
	file, err := parser.ParseBytes(src, parser.ParseComments)
	if err != nil {
		t.Fatalf("YAML: %v", err)
	}
	var docs []any
	for _, d := range file.Docs {
		if isEmpty(d.Body) {
			continue
		}
		var v any
		if err := yaml.NodeToValue(d.Body, &v); err != nil {
			t.Fatalf("YAML value: %v", err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("as JSON: %v", err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, inst)
	}
	return docs
}

func TestSchemaID(t *testing.T) {
	var doc struct {
		ID     string `json:"$id"`
		Schema string `json:"$schema"`
	}
	if err := json.Unmarshal(Schema(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID != SchemaID || doc.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Fatalf("$id %q, $schema %q", doc.ID, doc.Schema)
	}
	b := Schema()
	b[0] = 'x'
	if Schema()[0] != '{' {
		t.Fatal("Schema() shares its buffer with callers")
	}
}

// TestSchemaAcceptsRealFiles validates every example file, every demo suite
// file and every YAML example in docs/test-files.md, which the parser also
// accepts.
func TestSchemaAcceptsRealFiles(t *testing.T) {
	sch := compileSchema(t)
	files, _ := filepath.Glob("testdata/examples/*.yaml")
	demo, _ := filepath.Glob("../demo/suite/*.yaml")
	files = append(files, demo...)
	if len(demo) == 0 {
		t.Error("no demo suite files found in ../demo/suite")
	}
	type source struct {
		name string
		src  []byte
	}
	var sources []source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, source{f, b})
	}
	for i, block := range docExamples(t) {
		sources = append(sources, source{"docs/test-files.md example " + string(rune('A'+i)), []byte(block)})
	}
	for _, s := range sources {
		if _, err := Parse(s.name, s.src); err != nil {
			t.Errorf("parser rejects %s:\n%v", s.name, err)
		}
		for i, doc := range yamlDocuments(t, s.src) {
			if err := sch.Validate(doc); err != nil {
				t.Errorf("schema rejects %s, document %d:\n%v", s.name, i, err)
			}
		}
	}
}

// docExamples returns the ```yaml blocks of docs/test-files.md: complete test
// files that must parse. Fragments that are not meant to parse are written
// in other fences.
func docExamples(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../docs/test-files.md")
	if err != nil {
		t.Fatalf("read docs: %v", err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	if len(blocks) < 3 {
		t.Fatalf("docs/test-files.md has %d yaml examples", len(blocks))
	}
	var out []string
	for _, m := range blocks {
		out = append(out, m[1])
	}
	return out
}

// TestSchemaAgreesWithParser runs a table of documents through both the
// schema and Parse. The schema cannot check everything Parse does (the step
// grammar after the verb, unique names, timeout bounds, placeholders,
// anchors); the table covers what both check.
func TestSchemaAgreesWithParser(t *testing.T) {
	sch := compileSchema(t)
	cases := []struct {
		name  string
		src   string
		valid bool
	}{
		{"minimal goal", "name: a\ngoal: b\n", true},
		{"minimal steps", "name: a\nsteps: [reload]\n", true},
		{"persona", "name: a\npersona: buyer\ngoal: b\n", true},
		{"bad persona", "name: a\npersona: Buyer One\ngoal: b\n", false},
		{"email steps", "name: a\nsteps: ['type \"{{email.address}}\" into \"Email\"', 'expect email to \"{{email.address}}\" with subject \"Confirm\"', 'open link \"Confirm\" from email', 'type code from email into \"Code\"']\n", true},
		{"one-time code step", "name: a\nsteps: ['type totp \"{{secret.shop_totp}}\" into \"Code\"']\n", true},
		{"all fields", "name: a\nurl: /x?y=1\ngoal: b\nsteps: ['click \"OK\"']\ncheckpoints: [c]\ntags: [t1, x.y:z/w-v_u]\ntimeout: 1m30s\nexpected_failure: known bug\n", true},
		{"absolute url", "name: a\nurl: https://example.com:8443/p\ngoal: b\n", true},
		{"root url", "name: a\nurl: /\ngoal: b\n", true},
		{"test list", "tests:\n  - name: a\n    goal: b\n  - name: c\n    steps: [go back]\n", true},
		{"unicode name", "name: Café ☕ — «test»\ngoal: b\n", true},
		{"fractional timeout", "name: a\ngoal: b\ntimeout: 1.5m\n", true},

		{"no name", "goal: b\n", false},
		{"empty name", "name: \"\"\ngoal: b\n", false},
		{"blank name", "name: \"   \"\ngoal: b\n", false},
		{"name with a tab", "name: \"a\\tb\"\ngoal: b\n", false},
		{"name with a newline", "name: \"a\\nb\"\ngoal: b\n", false},
		{"numeric name", "name: 12\ngoal: b\n", false},
		{"long name", "name: " + strings.Repeat("x", 201) + "\ngoal: b\n", false},
		{"neither goal nor steps", "name: a\n", false},
		{"blank goal", "name: a\ngoal: \" \"\n", false},
		{"long goal", "name: a\ngoal: " + strings.Repeat("g", 4001) + "\n", false},
		{"unknown key", "name: a\ngoal: b\nstesp: [reload]\n", false},
		{"steps not a list", "name: a\nsteps: reload\n", false},
		{"empty steps", "name: a\nsteps: []\n", false},
		{"numeric step", "name: a\nsteps: [1]\n", false},
		{"unknown verb", "name: a\nsteps: ['clik \"x\"']\n", false},
		{"capitalised verb", "name: a\nsteps: ['Click \"x\"']\n", false},
		{"step as mapping", "name: a\nsteps:\n  - click: x\n", false},
		{"relative url without slash", "name: a\nurl: login\ngoal: b\n", false},
		{"protocol-relative url", "name: a\nurl: //evil.example/x\ngoal: b\n", false},
		{"ftp url", "name: a\nurl: ftp://host/x\ngoal: b\n", false},
		{"url with a space", "name: a\nurl: /a b\ngoal: b\n", false},
		{"checkpoints without goal", "name: a\nsteps: [reload]\ncheckpoints: [x]\n", false},
		{"empty checkpoints", "name: a\ngoal: b\ncheckpoints: []\n", false},
		{"blank checkpoint", "name: a\ngoal: b\ncheckpoints: [\" \"]\n", false},
		{"tags not a list", "name: a\ngoal: b\ntags: smoke\n", false},
		{"bad tag", "name: a\ngoal: b\ntags: [\"two words\"]\n", false},
		{"tag starting with a dash", "name: a\ngoal: b\ntags: [\"-x\"]\n", false},
		{"duplicate tag", "name: a\ngoal: b\ntags: [x, x]\n", false},
		{"too many tags", "name: a\ngoal: b\ntags: [" + strings.TrimSuffix(strings.Repeat("t,", 21), ",") + "]\n", false},
		{"numeric timeout", "name: a\ngoal: b\ntimeout: 30\n", false},
		{"timeout without unit", "name: a\ngoal: b\ntimeout: \"30\"\n", false},
		{"word timeout", "name: a\ngoal: b\ntimeout: soon\n", false},
		{"blank expected_failure", "name: a\ngoal: b\nexpected_failure: \" \"\n", false},
		{"boolean expected_failure", "name: a\ngoal: b\nexpected_failure: true\n", false},
		{"tests beside test fields", "name: a\ntests:\n  - name: b\n    goal: c\n", false},
		{"empty tests", "tests: []\n", false},
		{"tests not a list", "tests: a\n", false},
		{"test item invalid", "tests:\n  - name: a\n", false},
		{"top-level list", "- name: a\n  goal: b\n", false},
		{"top-level text", "hello\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, perr := Parse("t.yaml", []byte(c.src))
			if (perr == nil) != c.valid {
				t.Errorf("parser valid = %v, want %v (%v)", perr == nil, c.valid, perr)
			}
			docs := yamlDocuments(t, []byte(c.src))
			if len(docs) != 1 {
				t.Fatalf("%d documents", len(docs))
			}
			serr := sch.Validate(docs[0])
			if (serr == nil) != c.valid {
				t.Errorf("schema valid = %v, want %v (%v)", serr == nil, c.valid, serr)
			}
		})
	}
}
