package suite

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// testKeys are the keys of a test, in the order documentation lists them.
var testKeys = []string{"name", "url", "goal", "steps", "checkpoints", "tags", "covers", "timeout", "expected_failure", "persona", "role", "needs", "priority"}

// keySynonyms maps keys people write by habit to the ones a test uses.
var keySynonyms = map[string]string{
	"title": "name", "path": "url", "start_url": "url", "page": "url", "link": "url",
	"prompt": "goal", "task": "goal", "instructions": "goal", "objective": "goal",
	"step": "steps", "actions": "steps", "tag": "tags", "labels": "tags",
	"cover": "covers", "covered_paths": "covers",
	"checkpoint": "checkpoints", "assertions": "checkpoints", "checks": "checkpoints",
	"timeout_seconds": "timeout", "time_limit": "timeout",
	"user": "persona", "identity": "persona", "as": "persona",
	"depends_on": "needs", "after": "needs", "requires": "needs", "need": "needs", "depends": "needs",
	"agent_role": "role", "mode": "role",
	"xfail": "expected_failure", "expect_failure": "expected_failure", "known_failure": "expected_failure",
}

var tagRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:/-]*$`)

func (d *decoder) test(m *ast.MappingNode, prefix string) {
	t := &Test{Pos: d.pos(m), URL: DefaultURL, Timeout: DefaultTimeout}
	before := len(d.errs)
	has := make(map[string]bool)
	for _, mv := range m.Values {
		if d.unsupported(mv.Key, prefix) {
			continue
		}
		key, ok := keyName(mv.Key)
		if !ok {
			d.errorf(d.pos(mv.Key), strings.TrimSuffix(prefix, "."), "keys are words such as name or goal, got %s", describeNode(mv.Key))
			continue
		}
		path := prefix + key
		v := mv.Value
		has[key] = true
		if d.unsupported(v, path) {
			continue
		}
		switch key {
		case "name":
			if s, ok := d.line(v, path); ok {
				t.Name = d.checkLen(v, path, s, MaxNameLen)
			}
		case "url":
			if s, ok := d.line(v, path); ok {
				if msg := urlProblem(s); msg != "" {
					d.errorf(d.pos(v), path, "%s", msg)
				} else {
					t.URL = s
				}
			}
		case "goal":
			if s, ok := d.text(v, path); ok {
				t.Goal = d.checkLen(v, path, s, MaxGoalLen)
				d.checkPlaceholders(v, path, s)
			}
		case "steps":
			t.Steps, t.StepPos = d.steps(v, path)
		case "checkpoints":
			for i, item := range d.list(v, path, MaxCheckpoints) {
				ipath := fmt.Sprintf("%s[%d]", path, i)
				if s, ok := d.text(item, ipath); ok {
					s = d.checkLen(item, ipath, s, MaxCheckpointLen)
					d.checkPlaceholders(item, ipath, s)
					t.Checkpoints = append(t.Checkpoints, s)
				}
			}
		case "tags":
			t.Tags = d.tags(v, path)
		case "covers":
			t.Covers = d.covers(v, path)
		case "timeout":
			switch v.(type) {
			case *ast.IntegerNode, *ast.FloatNode:
				d.errorf(d.pos(v), path, "%s has no unit; write a duration such as %ss, 2m or 1h30m", v.String(), v.String())
			default:
				if s, ok := d.line(v, path); ok {
					t.Timeout = d.timeout(v, path, s)
				}
			}
		case "expected_failure":
			if s, ok := d.text(v, path); ok {
				t.ExpectedFailure = s
			}
		case "priority":
			n, ok := v.(*ast.IntegerNode)
			p, isInt := 0, false
			if ok {
				p, isInt = toInt(n.Value)
			}
			if !isInt || p < MinPriority || p > MaxPriority {
				d.errorf(d.pos(v), path, "priority is a whole number from %d (lowest) to %d (highest), not %s", MinPriority, MaxPriority, v.String())
			} else {
				t.Priority = p
			}
		case "role":
			if s, ok := d.line(v, path); ok {
				if err := CheckRoleName(s); err != nil {
					d.errorf(d.pos(v), path, "%v", err)
				} else {
					t.Role = s
				}
			}
		case "needs":
			if d.plan == nil {
				d.errorf(d.pos(mv.Key), path, "needs is for the tests of a plan (a document with plan: and tests:); a test on its own runs without waiting for others")
				continue
			}
			t.Needs = d.needs(v, path)
		case "persona":
			if s, ok := d.line(v, path); ok {
				if err := CheckPersonaName(s); err != nil {
					d.errorf(d.pos(v), path, "%v", err)
				} else {
					t.Persona = s
				}
			}
		case "video":
			if s, ok := d.line(v, path); ok {
				if err := CheckVideo(s); err != nil {
					d.errorf(d.pos(v), path, "%v", err)
				} else {
					t.Video = s
				}
			}
		default:
			d.errorf(d.pos(mv.Key), strings.TrimSuffix(prefix, "."), "%s", unknownKey(key))
		}
	}

	where := strings.TrimSuffix(prefix, ".")
	if !has["name"] {
		d.errorf(t.Pos, where, "the test has no name; add name: followed by a short title")
	}
	if !has["goal"] && !has["steps"] {
		d.errorf(t.Pos, where, needsGoalOrSteps)
	}
	if has["checkpoints"] && !has["goal"] {
		d.errorf(t.Pos, prefix+"checkpoints", checkpointsNeedGoal)
	}
	if t.Name != "" {
		if prev, dup := d.names[t.Name]; dup {
			d.errorf(d.pos(findKey(m, "name").Value), prefix+"name", "duplicate test name %q (also at %s); names must be unique", t.Name, prev)
		} else {
			d.names[t.Name] = t.Pos
		}
	}
	if len(d.errs) == before {
		t.Plan = d.plan
		d.tests = append(d.tests, t)
		if d.plan != nil {
			d.plan.Tests = append(d.plan.Tests, t)
		}
	}
}

// needs reads the names a plan's test waits for: a list, or one name.
func (d *decoder) needs(n ast.Node, path string) []string {
	if _, ok := n.(*ast.StringNode); ok {
		if s, ok := d.line(n, path); ok {
			return []string{s}
		}
		return nil
	}
	var names []string
	for i, item := range d.list(n, path, MaxPlanTests) {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		if s, ok := d.line(item, ipath); ok {
			if slices.Contains(names, s) {
				d.errorf(d.pos(item), ipath, "%q is listed twice", s)
				continue
			}
			names = append(names, s)
		}
	}
	return names
}

func unknownKey(key string) string {
	msg := fmt.Sprintf("unknown key %q", key)
	switch {
	case key == "description" || key == "notes" || key == "comment":
		msg += " (write notes as YAML comments: # …)"
	case keySynonyms[strings.ToLower(key)] != "":
		msg += fmt.Sprintf(" (did you mean %q?)", keySynonyms[strings.ToLower(key)])
	case suggest(key, testKeys) != "":
		msg += fmt.Sprintf(" (did you mean %q?)", suggest(key, testKeys))
	}
	return msg + "; a test has " + strings.Join(testKeys, ", ")
}

// text returns a string value, which may span lines (goal: |).
func (d *decoder) text(n ast.Node, path string) (string, bool) {
	var s string
	switch v := n.(type) {
	case *ast.StringNode:
		s = v.Value
	case *ast.LiteralNode:
		s = v.Value.Value
	default:
		d.notText(n, path)
		return "", false
	}
	s = strings.TrimSpace(s)
	if s == "" {
		d.errorf(d.pos(n), path, "is empty")
		return "", false
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return isControl(r) && r != '\n' && r != '\t' }); i >= 0 {
		d.errorf(d.pos(n), path, "contains the control character %q", s[i])
		return "", false
	}
	return s, true
}

// line returns a single-line string value.
func (d *decoder) line(n ast.Node, path string) (string, bool) {
	if _, ok := n.(*ast.LiteralNode); ok {
		d.errorf(d.pos(n), path, "must be a single line")
		return "", false
	}
	s, ok := d.text(n, path)
	if ok && strings.ContainsAny(s, "\n\t") {
		d.errorf(d.pos(n), path, "must be a single line without tabs")
		return "", false
	}
	return s, ok
}

func (d *decoder) notText(n ast.Node, path string) {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		d.errorf(d.pos(n), path, "must be text, got %s; put it in quotes (\"%s\")", describeNode(n), n.String())
	case nil, *ast.NullNode:
		d.errorf(d.pos(n), path, "is empty")
	case *ast.MappingNode, *ast.MappingValueNode:
		d.errorf(d.pos(n), path, "must be text, got a mapping; a \": \" inside text starts a mapping, so quote the text")
	default:
		d.errorf(d.pos(n), path, "must be text, got %s", describeNode(n))
	}
}

func (d *decoder) checkLen(n ast.Node, path, s string, limit int) string {
	if msg := lenProblem(s, limit); msg != "" {
		d.errorf(d.pos(n), path, "%s", msg)
	}
	return s
}

func (d *decoder) checkPlaceholders(n ast.Node, path, s string) {
	if err := checkPlaceholders(s); err != nil {
		d.errorf(d.pos(n), path, "%v", err)
	}
}

// list returns the items of a non-empty sequence of at most limit items.
func (d *decoder) list(n ast.Node, path string, limit int) []ast.Node {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		if _, isNull := n.(*ast.NullNode); isNull || n == nil {
			d.errorf(d.pos(n), path, "is empty; give a list (items starting with \"- \")")
		} else {
			d.errorf(d.pos(n), path, "must be a list (items starting with \"- \"), got %s", describeNode(n))
		}
		return nil
	}
	switch {
	case len(seq.Values) == 0:
		d.errorf(d.pos(n), path, "the list is empty; remove the key or add items")
		return nil
	case len(seq.Values) > limit:
		d.errorf(d.pos(n), path, "has %d items; at most %d are allowed", len(seq.Values), limit)
		return nil
	}
	var items []ast.Node
	for i, item := range seq.Values {
		if !d.unsupported(item, fmt.Sprintf("%s[%d]", path, i)) {
			items = append(items, item)
		}
	}
	if len(items) != len(seq.Values) {
		return nil
	}
	return items
}

func (d *decoder) steps(n ast.Node, path string) ([]Step, []Position) {
	var (
		steps []Step
		poss  []Position
	)
	for i, item := range d.list(n, path, MaxSteps) {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		str, ok := item.(*ast.StringNode)
		if !ok {
			switch item.(type) {
			case *ast.MappingNode, *ast.MappingValueNode:
				d.errorf(d.pos(item), ipath, `a step is one line of text such as click "Sign in"; this one became a YAML mapping because it contains ": " — put the whole step in single quotes: - 'expect text "Note: saved"'`)
			case *ast.LiteralNode:
				d.errorf(d.pos(item), ipath, `a step is a single line; write a line break in text as \n`)
			default:
				d.errorf(d.pos(item), ipath, "a step is one line of text such as click \"Sign in\", got %s", describeNode(item))
			}
			continue
		}
		s, err := ParseStep(str.Value)
		if err != nil {
			var se *StepError
			off := 0
			if errors.As(err, &se) {
				off = se.Offset
			}
			pos, hint := d.stepPos(str, off)
			d.errorf(pos, ipath, "%v%s", err, hint)
			continue
		}
		steps = append(steps, s)
		poss = append(poss, d.pos(str))
	}
	return steps, poss
}

// stepPos maps a byte offset inside a step to its column in the file when
// the step's text appears verbatim on its line (a plain or simply quoted
// scalar), so the error points at the bad word. It also explains a YAML
// comment that cut a plain step short.
func (d *decoder) stepPos(n *ast.StringNode, off int) (Position, string) {
	pos := d.pos(n)
	line := d.sourceLine(pos.Line)
	if line == "" || pos.Column < 1 {
		return pos, ""
	}
	runes := []rune(line)
	if pos.Column-1 > len(runes) {
		return pos, ""
	}
	rest := string(runes[pos.Column-1:])
	lead := 0
	switch n.Token.Type {
	case token.StringType:
	case token.SingleQuoteType, token.DoubleQuoteType:
		lead = 1
	default:
		return pos, ""
	}
	if len(rest) < lead || !strings.HasPrefix(rest[lead:], n.Value) {
		return pos, ""
	}
	if off > len(n.Value) {
		off = len(n.Value)
	}
	pos.Column += lead + utf8.RuneCountInString(n.Value[:off])
	hint := ""
	if n.Token.Type == token.StringType {
		after := strings.TrimLeft(rest[len(n.Value):], " \t")
		if strings.HasPrefix(after, "#") {
			hint = ` (" #" starts a YAML comment, which cut this step short: put the whole step in single quotes)`
		}
	}
	return pos, hint
}

// sourceLine returns line n (1-based) of the source.
func (d *decoder) sourceLine(n int) string {
	if n < 1 {
		return ""
	}
	src := string(d.src)
	for i := 1; i < n; i++ {
		j := strings.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := strings.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimSuffix(src, "\r")
}

func (d *decoder) tags(n ast.Node, path string) []string {
	var tags []string
	for i, item := range d.list(n, path, MaxTags) {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		s, ok := d.line(item, ipath)
		if !ok {
			continue
		}
		if msg := tagProblem(s, tags); msg != "" {
			d.errorf(d.pos(item), ipath, "%s", msg)
		} else {
			tags = append(tags, s)
		}
	}
	return tags
}

func (d *decoder) timeout(n ast.Node, path, s string) time.Duration {
	v, err := time.ParseDuration(s)
	switch {
	case err != nil:
		d.errorf(d.pos(n), path, "%q is not a duration; write e.g. 90s, 2m or 1h30m", s)
	case timeoutProblem(v) != "":
		d.errorf(d.pos(n), path, "%s", timeoutProblem(v))
	default:
		return v
	}
	return DefaultTimeout
}

// Priorities a test may give (priority:).
const (
	MinPriority = 1
	MaxPriority = 5
)

// toInt is an integer node's value as an int.
func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case uint64:
		if n <= 1<<31 {
			return int(n), true
		}
	}
	return 0, false
}
