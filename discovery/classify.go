package discovery

import (
	"net/url"
	"path"
	"regexp"
	"strings"
)

// destructiveWords mark a form or link whose use deletes, pays, sends or
// ends something. Matched as whole words in the submit text, the action
// and the form's name.
var destructiveWords = regexp.MustCompile(`(?i)\b(delete|remove|destroy|erase|drop|cancel|unsubscribe|deactivate|close account|pay|payment|purchase|buy|checkout|check out|order|place order|send|transfer|donate|log ?out|sign ?out|logoff|reset|revoke|archive|wipe)\b`)

// logoutWords mark the end of a session: never followed, never submitted,
// whatever AllowDestructive says, or the persona crawl would sign itself out.
var logoutWords = regexp.MustCompile(`(?i)\b(log ?out|sign ?out|logoff)\b`)

// notPageExt are file types a link may point at that are not pages.
var notPageExt = map[string]bool{
	".pdf": true, ".zip": true, ".gz": true, ".tar": true, ".tgz": true, ".dmg": true, ".exe": true,
	".msi": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".svg": true, ".webp": true,
	".mp4": true, ".webm": true, ".mp3": true, ".csv": true, ".xlsx": true, ".docx": true, ".json": true,
	".xml": true, ".txt": true, ".ico": true, ".css": true, ".js": true,
}

// pageKey is the page a URL shows: its path plus a client-side route
// fragment (#/… or #!/…); the query and other fragments are dropped, so
// /products?q=lamp is the products page.
func pageKey(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if f := u.Fragment; strings.HasPrefix(f, "/") || strings.HasPrefix(f, "!/") {
		p += "#" + f
	}
	return p
}

// linkProblem says why a link is not followed, or "".
func linkProblem(u *url.URL, text string) string {
	if notPageExt[strings.ToLower(path.Ext(u.Path))] {
		return "not a page"
	}
	if logoutWords.MatchString(text) || logoutWords.MatchString(strings.NewReplacer("-", " ", "_", " ", "/", " ").Replace(u.Path)) {
		return "ends the session"
	}
	if destructiveWords.MatchString(strings.NewReplacer("-", " ", "_", " ", "/", " ").Replace(u.Path)) && !strings.Contains(strings.ToLower(u.Path), "checkout") {
		return "looks destructive"
	}
	return ""
}

// classifyForm sets a form's Kind and Destructive flag.
func classifyForm(f *Form) {
	words := strings.Join(append([]string{f.Name, f.Action}, f.Submits...), " ")
	words = strings.NewReplacer("-", " ", "_", " ", "/", " ").Replace(words)
	passwords, texts := 0, 0
	for _, fl := range f.Fields {
		switch fl.Type {
		case "password":
			passwords++
		case "text", "email", "tel", "search", "url", "number", "textarea":
			texts++
		}
	}
	switch {
	case logoutWords.MatchString(words):
		f.Kind = "logout"
	case passwords >= 2 || passwords == 1 && texts >= 2:
		f.Kind = "sign-up"
	case passwords == 1:
		f.Kind = "sign-in"
	case f.Method == "get" && len(f.Fields) > 0 && len(f.Fields) <= 3 && (hasType(f.Fields, "search") || regexp.MustCompile(`(?i)\b(search|find|filter)\b`).MatchString(words)):
		f.Kind = "search"
	default:
		f.Kind = "data"
	}
	f.Destructive = f.Kind == "logout" || destructiveWords.MatchString(words)
}

func hasType(fields []Field, t string) bool {
	for _, f := range fields {
		if f.Type == t {
			return true
		}
	}
	return false
}

// probeable says whether the forms phase may submit f empty: never a
// session's end; a destructive form only when allowed; otherwise forms that
// write nothing when empty — searches (GET) and sign-in or sign-up forms,
// which refuse empty credentials.
func probeable(f *Form, allowDestructive bool) bool {
	if f.Kind == "logout" || len(f.Submits) == 0 {
		return false
	}
	if f.Destructive {
		return allowDestructive
	}
	return f.Kind == "search" || f.Kind == "sign-in" || f.Kind == "sign-up" || f.Method == "get"
}
