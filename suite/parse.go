package suite

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Parse reads the tests in one test file. filename is only used in error
// positions. A file holds one or more YAML documents separated by "---";
// each document is either one test (a mapping with name, goal, steps, …) or
// a mapping with a single key "tests" listing several. See
// docs/test-files.md.
//
// Every problem found is reported, as an ErrorList whose entries say
// file:line:col, the field, what is wrong and what is valid. Names must be
// unique within the file; Load also checks across files.
func Parse(filename string, src []byte) ([]*Test, error) {
	f, err := ParseFile(filename, src)
	if err != nil {
		return nil, err
	}
	return f.Tests, nil
}

// File is everything one test file defines: tests (those of its plans
// included), plans, prompt roles and personas.
type File struct {
	Tests    []*Test
	Plans    []*Plan
	Roles    []*Role
	Personas []*Persona
}

// ParseFile is Parse returning every kind of document a file may hold:
// tests, plans (plan: with tests: that have needs:), roles (roles:) and
// personas (personas:).
func ParseFile(filename string, src []byte) (*File, error) {
	d := &decoder{file: filename, src: src}
	d.parse()
	if err := d.errs.err(); err != nil {
		return nil, err
	}
	return &File{Tests: d.tests, Plans: d.plans, Roles: d.roles, Personas: d.personas}, nil
}

type decoder struct {
	file  string
	src   []byte
	tests []*Test
	errs  ErrorList
	names map[string]Position
	// plan is the plan whose tests are being read; nil outside one.
	plan     *Plan
	plans    []*Plan
	roles    []*Role
	personas []*Persona
}

func (d *decoder) errorf(pos Position, path, format string, args ...any) {
	d.errs.add(&Error{Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// pos returns the position of a node's first token.
func (d *decoder) pos(n ast.Node) Position {
	p := Position{File: d.file}
	if n == nil {
		return p
	}
	if tk := firstToken(n); tk != nil && tk.Position != nil {
		p.Line, p.Column = tk.Position.Line, tk.Position.Column
	}
	return p
}

// firstToken is where a node starts in the source. A block mapping's own
// token is its first ":", so use its first key instead.
func firstToken(n ast.Node) *token.Token {
	switch n := n.(type) {
	case *ast.MappingNode:
		if len(n.Values) > 0 && !n.IsFlowStyle {
			return firstToken(n.Values[0].Key)
		}
		return n.Start
	case *ast.MappingValueNode:
		return firstToken(n.Key)
	case *ast.SequenceNode:
		return n.Start
	case *ast.LiteralNode:
		return n.Start
	}
	return n.GetToken()
}

func (d *decoder) parse() {
	if len(d.src) > MaxFileSize {
		d.errorf(Position{File: d.file}, "", "file is %d bytes; test files are at most %d bytes", len(d.src), MaxFileSize)
		return
	}
	// Positions are counted without the byte order mark, so drop it from
	// the copy used to quote source lines too.
	src := bytes.TrimPrefix(d.src, []byte("\xef\xbb\xbf"))
	d.src = src
	if !utf8.Valid(src) {
		d.errorf(d.offsetPos(src, invalidUTF8At(string(src))), "", "file is not valid UTF-8")
		return
	}
	file, err := d.yaml(string(src))
	if err != nil {
		d.yamlError(err)
		return
	}
	d.names = make(map[string]Position)
	docs := 0
	for _, doc := range file.Docs {
		if doc == nil || isEmpty(doc.Body) {
			continue
		}
		docs++
		d.document(doc.Body)
		if d.errs.full() {
			return
		}
	}
	if docs == 0 {
		d.errorf(Position{File: d.file}, "", "no tests in this file; a test needs at least a name and a goal or steps")
	}
}

// yaml parses the source into an AST. It guards against two weaknesses of
// the YAML library: a document following an empty one ("---" twice in a
// row) is silently dropped (goccy/go-yaml#870), so that case is an error
// here; and a panic on hostile input becomes an error instead of taking the
// process down.
func (d *decoder) yaml(src string) (file *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = nil, fmt.Errorf("the YAML parser failed on this file (%v)", r)
		}
	}()
	tokens := lexer.Tokenize(src)
	// Comments count as content here: in ParseComments mode a document
	// holding only a comment is kept, and only a bare "---" after "---"
	// triggers the bug.
	var prev *token.Token
	for _, tk := range tokens {
		if tk.Type == token.DocumentHeaderType && prev != nil && prev.Type == token.DocumentHeaderType {
			return nil, &Error{Pos: d.tokenPos(tk), Msg: `empty YAML document: two "---" in a row; remove one of them`}
		}
		prev = tk
	}
	return parser.Parse(tokens, parser.ParseComments)
}

func (d *decoder) tokenPos(tk *token.Token) Position {
	p := Position{File: d.file}
	if tk != nil && tk.Position != nil {
		p.Line, p.Column = tk.Position.Line, tk.Position.Column
	}
	return p
}

func (d *decoder) yamlError(err error) {
	if e, ok := err.(*Error); ok {
		d.errs.add(e)
		return
	}
	if ye, ok := err.(yaml.Error); ok {
		d.errorf(d.tokenPos(ye.GetToken()), "", "invalid YAML: %s", ye.GetMessage())
		return
	}
	d.errorf(Position{File: d.file}, "", "invalid YAML: %v", err)
}

// offsetPos converts a byte offset in src to a line and column.
func (d *decoder) offsetPos(src []byte, off int) Position {
	line, col := 1, 1
	for _, r := range string(src[:off]) {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return Position{File: d.file, Line: line, Column: col}
}

// isEmpty reports whether a document body holds nothing but comments.
func isEmpty(n ast.Node) bool {
	if n == nil {
		return true
	}
	_, ok := n.(*ast.CommentGroupNode)
	return ok
}

func (d *decoder) document(body ast.Node) {
	m, ok := d.mapping(body, "")
	if !ok {
		if _, isSeq := body.(*ast.SequenceNode); isSeq {
			d.errorf(d.pos(body), "", `a test file holds one test (a mapping with name, goal, steps, …) or a mapping with a "tests:" list; this document is a list, so put it under "tests:"`)
			return
		}
		d.errorf(d.pos(body), "", `expected a test (a mapping with name, goal, steps, …) or a mapping with a "tests:" list, got %s`, describeNode(body))
		return
	}
	for _, kind := range []string{"plan", "roles", "personas"} {
		if findKey(m, kind) != nil {
			d.definitions(m, kind)
			return
		}
	}
	if tests := findKey(m, "tests"); tests != nil {
		for _, mv := range m.Values {
			if k, _ := keyName(mv.Key); k != "tests" {
				d.errorf(d.pos(mv.Key), "", `%q next to "tests": a document is either one test or a "tests:" list; move it into a test`, k)
			}
		}
		d.testList(tests.Value)
		return
	}
	d.test(m, "")
}

func (d *decoder) testList(n ast.Node) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.errorf(d.pos(n), "tests", "expected a list of tests (each item starting with \"- name: …\"), got %s", describeNode(n))
		return
	}
	if len(seq.Values) == 0 {
		d.errorf(d.pos(n), "tests", "the list is empty; add at least one test")
		return
	}
	for i, item := range seq.Values {
		path := fmt.Sprintf("tests[%d]", i)
		m, ok := d.mapping(item, path)
		if !ok {
			d.errorf(d.pos(item), path, "expected a test (a mapping with name, goal, steps, …), got %s", describeNode(item))
			continue
		}
		d.test(m, path+".")
		if d.errs.full() {
			return
		}
	}
}

// mapping returns n as a mapping, reporting YAML features test files do
// not use. It returns false without an error for other node kinds, so the
// caller can say what it expected there.
func (d *decoder) mapping(n ast.Node, path string) (*ast.MappingNode, bool) {
	if d.unsupported(n, path) {
		return nil, false
	}
	m, ok := n.(*ast.MappingNode)
	return m, ok
}

// unsupported reports (and records an error for) anchors, aliases, tags
// and merge keys: they make a test's meaning depend on another part of the
// file, which the schema, the editor and the reader cannot follow.
func (d *decoder) unsupported(n ast.Node, path string) bool {
	switch n.(type) {
	case *ast.AnchorNode, *ast.AliasNode:
		d.errorf(d.pos(n), path, "YAML anchors (&name) and aliases (*name) are not supported in test files; write the value out")
		return true
	case *ast.TagNode:
		d.errorf(d.pos(n), path, "YAML tags (!tag, !!str, …) are not supported in test files; quote the value instead")
		return true
	case *ast.MergeKeyNode:
		d.errorf(d.pos(n), path, "YAML merge keys (<<) are not supported in test files")
		return true
	}
	return false
}

func findKey(m *ast.MappingNode, name string) *ast.MappingValueNode {
	for _, mv := range m.Values {
		if k, ok := keyName(mv.Key); ok && k == name {
			return mv
		}
	}
	return nil
}

func keyName(k ast.MapKeyNode) (string, bool) {
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value, true
	}
	if k == nil {
		return "", false
	}
	return k.String(), false
}

// describeNode names a node's kind for messages ("a list", "the number 12").
func describeNode(n ast.Node) string {
	switch n := n.(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case *ast.StringNode, *ast.LiteralNode:
		return "text"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + n.String()
	case *ast.BoolNode:
		return "the boolean " + n.String()
	case *ast.SequenceNode:
		return "a list"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.CommentGroupNode:
		return "only a comment"
	}
	return "a YAML " + n.Type().String()
}
