package suite

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// MaxRolePromptLen is the longest role text, in characters.
const MaxRolePromptLen = 4000

// Role is a reusable prompt snippet: a test names it with role: and its
// text joins the model's system prompt, so one suite can ask for a
// functional check, a UX review or an accessibility audit in the same
// words every time. A role changes how the model looks, never how it
// ends: the verdict is still passed or failed, with findings verified on
// the page as evidence.
type Role struct {
	Name   string
	Prompt string
	// Builtin is true for the roles Argus ships.
	Builtin bool
	Pos     Position
}

// builtinRoles are the roles every suite and project has.
var builtinRoles = []Role{
	{Name: "explorer", Builtin: true, Prompt: `Role: explorer. Besides the goal, explore the parts of the application the goal passes through: follow the links and open the menus on the way, try the obvious variations (an empty field, a second item, going back), and look for pages that break, error messages, dead links and console errors. Stay within the goal's area; do not wander off into unrelated sections. Record every problem you find with assert on the page that shows it, and fail the test when one breaks the flow the goal describes.`},
	{Name: "functional-qa", Builtin: true, Prompt: `Role: functional QA. Check that the feature does exactly what the goal says, and nothing less: every field saves what was typed, every total adds up, every message names the right thing, and the result survives a reload. Verify each outcome with assert at the moment it is true. A result that is almost right (a wrong amount, a missing item, a stale value) is a failure: say what you expected and what the page shows.`},
	{Name: "ux-auditor", Builtin: true, Prompt: `Role: UX auditor. Walk the flow the goal describes as a first-time user would, and judge it: are labels and buttons clear, does each step say what happens next, are errors explained in words a user understands and shown next to their cause, is anything confusing, hidden, slow to respond or inconsistent between pages? Your findings are evidence, not prose: assert each one on the page where you saw it (the text that confuses, the element that is missing). Finish with verdict failed when a finding would stop or mislead a user in this flow, naming the findings in the summary; finish with passed when the flow is usable, listing minor findings in the summary.`},
	{Name: "accessibility-auditor", Builtin: true, Prompt: `Role: accessibility auditor. Check the pages of the flow against WCAG 2.2 as far as the page description shows it: every field has a label, every button and link has an accessible name that says what it does, images that carry meaning have alternative text, headings give the page a structure, errors are announced in text (not colour alone), and the flow can be done with the keyboard (use press_key Tab and Enter). Your findings are evidence, not prose: assert each one on the page where you saw it. Finish with verdict failed when a finding blocks a user of assistive technology in this flow, naming the WCAG criterion; finish with passed when none does, listing minor findings in the summary.`},
}

// BuiltinRoles returns the roles Argus ships, by name.
func BuiltinRoles() []Role { return slices.Clone(builtinRoles) }

// BuiltinRole returns the built-in role called name.
func BuiltinRole(name string) (Role, bool) {
	for _, r := range builtinRoles {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}

// CheckRoleName reports whether name can name a role: the same form as a
// persona's name (functional-qa).
func CheckRoleName(name string) error {
	if !personaNameRe.MatchString(name) {
		return fmt.Errorf("role name %q must start with a lower-case letter and hold only a-z, 0-9, '_' and '-' (at most 64)", name)
	}
	return nil
}

// CheckRolePrompt reports whether text can be a role's prompt.
func CheckRolePrompt(text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("the role's prompt is empty")
	}
	if msg := lenProblem(text, MaxRolePromptLen); msg != "" {
		return fmt.Errorf("the role's prompt %s", msg)
	}
	return checkPlaceholders(text)
}

// Roles resolves role names: the built-ins and the roles given (a suite's
// or a project's), a given one never replacing a built-in.
type Roles map[string]Role

// NewRoles returns the built-in roles plus defined.
func NewRoles(defined []*Role) Roles {
	rs := Roles{}
	for _, r := range builtinRoles {
		rs[r.Name] = r
	}
	for _, r := range defined {
		if _, builtin := rs[r.Name]; !builtin {
			rs[r.Name] = *r
		}
	}
	return rs
}

// Names lists the roles' names, sorted.
func (rs Roles) Names() []string {
	names := make([]string, 0, len(rs))
	for n := range rs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Unknown describes a role name that is not among rs.
func (rs Roles) Unknown(name string) string {
	msg := fmt.Sprintf("unknown role %q", name)
	if s := suggest(name, rs.Names()); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg + "; roles are " + strings.Join(rs.Names(), ", ") + ", or one a roles: document of the suite defines"
}

var roleKeys = []string{"name", "prompt"}

func (d *decoder) rolesDoc(n ast.Node) {
	for i, item := range d.list(n, "roles", 100) {
		path := fmt.Sprintf("roles[%d]", i)
		m, ok := d.mapping(item, path)
		if !ok {
			d.errorf(d.pos(item), path, "expected a role (a mapping with name and prompt), got %s", describeNode(item))
			continue
		}
		r := &Role{Pos: d.pos(m)}
		for _, mv := range m.Values {
			key, _ := keyName(mv.Key)
			kpath := path + "." + key
			switch key {
			case "name":
				if s, ok := d.line(mv.Value, kpath); ok {
					if err := CheckRoleName(s); err != nil {
						d.errorf(d.pos(mv.Value), kpath, "%v", err)
					} else if _, builtin := BuiltinRole(s); builtin {
						d.errorf(d.pos(mv.Value), kpath, "%q is a built-in role; give yours another name", s)
					} else {
						r.Name = s
					}
				}
			case "prompt":
				if s, ok := d.text(mv.Value, kpath); ok {
					if err := CheckRolePrompt(s); err != nil {
						d.errorf(d.pos(mv.Value), kpath, "%v", err)
					} else {
						r.Prompt = s
					}
				}
			default:
				d.errorf(d.pos(mv.Key), path, "unknown key %q; a role has %s", key, strings.Join(roleKeys, " and "))
			}
		}
		if r.Name == "" || r.Prompt == "" {
			if findKey(m, "name") == nil || findKey(m, "prompt") == nil {
				d.errorf(r.Pos, path, "a role needs a name and a prompt")
			}
			continue
		}
		d.roles = append(d.roles, r)
	}
}
