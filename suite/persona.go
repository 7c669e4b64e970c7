package suite

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Persona is an identity defined in a suite, for runs without a server
// (argus run): the same fields as a project's persona, its password and
// one-time-code seed named as secrets ({{secret.NAME}} values given as
// ARGUS_SECRET_NAME). On a server the project's personas are used and a
// suite's are ignored.
type Persona struct {
	Name, DisplayName, Email, Username string
	// PasswordSecret and TOTPSecret name secrets, not values.
	PasswordSecret, TOTPSecret string
	// Locale, Timezone and UserAgent are what the browser presents.
	Locale, Timezone, UserAgent string
	Pos                         Position
}

var personaKeys = []string{"name", "display_name", "email", "username", "password_secret", "totp_secret", "locale", "timezone", "user_agent"}

func (d *decoder) personasDoc(n ast.Node) {
	for i, item := range d.list(n, "personas", 100) {
		path := fmt.Sprintf("personas[%d]", i)
		m, ok := d.mapping(item, path)
		if !ok {
			d.errorf(d.pos(item), path, "expected a persona (a mapping with name, display_name, …), got %s", describeNode(item))
			continue
		}
		p := &Persona{Pos: d.pos(m)}
		before := len(d.errs)
		for _, mv := range m.Values {
			key, _ := keyName(mv.Key)
			kpath := path + "." + key
			s, ok := d.line(mv.Value, kpath)
			if !ok {
				continue
			}
			switch key {
			case "name":
				if err := CheckPersonaName(s); err != nil {
					d.errorf(d.pos(mv.Value), kpath, "%v", err)
				}
				p.Name = s
			case "display_name":
				p.DisplayName = s
			case "email":
				p.Email = s
			case "username":
				p.Username = s
			case "password_secret", "totp_secret":
				if !varNameRe.MatchString(s) {
					d.errorf(d.pos(mv.Value), kpath, "%q is not a secret's name: write the NAME of {{secret.NAME}} (letters, digits and _)", s)
				}
				if key == "password_secret" {
					p.PasswordSecret = s
				} else {
					p.TOTPSecret = s
				}
			case "locale":
				p.Locale = s
			case "timezone":
				p.Timezone = s
			case "user_agent":
				p.UserAgent = s
			default:
				msg := fmt.Sprintf("unknown key %q", key)
				if sg := suggest(key, personaKeys); sg != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", sg)
				}
				d.errorf(d.pos(mv.Key), path, "%s; a persona has %s", msg, strings.Join(personaKeys, ", "))
			}
		}
		if findKey(m, "name") == nil {
			d.errorf(p.Pos, path, "the persona has no name; add name: followed by a lower-case word such as buyer")
		}
		if len(d.errs) == before {
			d.personas = append(d.personas, p)
		}
	}
}
