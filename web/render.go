package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

//go:embed templates
var templateFS embed.FS

// pages holds one template set per page: the layout and partials cloned
// and the page's own file parsed on top, all once at start.
type pages struct {
	byName map[string]*template.Template
	// fragments renders partials alone (live step rows).
	fragments *template.Template
}

// page is what every template receives.
type page struct {
	Title string
	V     *viewer
	// Project is set on pages inside a project, for the sub-navigation.
	Project *store.Project
	Nav     string
	Data    any
}

func parsePages(as *assets) (*pages, error) {
	funcs := template.FuncMap{
		"asset": as.url,
		// list passes several values to a sub-template.
		"list": func(v ...any) []any { return v },
		"ts":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"when": when,
		"whenp": func(t *time.Time) string {
			if t == nil {
				return "—"
			}
			return when(*t)
		},
		"tsp": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.UTC().Format(time.RFC3339)
		},
		"ms": formatMS,
		"msp": func(p *int64) string {
			if p == nil {
				return "—"
			}
			return formatMS(*p)
		},
		"elapsed": func(a any) string {
			switch a := a.(type) {
			case *store.Agent:
				return agentElapsed(a)
			case store.Agent:
				return agentElapsed(&a)
			}
			return ""
		},
		"statusLabel": statusLabel,
		"join":        strings.Join,
		"lines":       func(s []string) string { return strings.Join(s, "\n") },
		"deref": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		},
		"derefInt": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"add":   func(a, b int) int { return a + b },
		"int64": func(i int) int64 { return int64(i) },
		"args":  formatArgs,
		// short names a run by the random end of its id: ids are UUIDv7,
		// whose first digits are a timestamp shared by runs made together.
		"short": func(id uuid.UUID) string { s := id.String(); return s[len(s)-8:] },
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	ps := &pages{byName: map[string]*template.Template{}}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		ps.byName[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	if ps.fragments, err = base.Clone(); err != nil {
		return nil, err
	}
	return ps, nil
}

// render writes a whole page. It renders into a buffer first so a template
// error becomes a clean error page, not half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := u.pages.byName[name]
	if !ok {
		u.log.Error("unknown page template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", p); err != nil {
		u.log.Error("render page", "page", name, "path", r.URL.Path, "error", err)
		http.Error(w, "internal error: the page could not be rendered; it has been logged", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorData struct {
	Status  int
	Message string
}

func (u *UI) renderError(w http.ResponseWriter, r *http.Request, v *viewer, status int, title, msg string) {
	u.render(w, r, status, "error", page{Title: title, V: v, Data: errorData{Status: status, Message: msg}})
}

// httpError is an error with the status and message to show.
type httpError struct {
	status int
	title  string
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func notFound(what string) error {
	return &httpError{status: http.StatusNotFound, title: "Not found", msg: "There is no such " + what + " in this tenant."}
}

func badRequest(msg string) error {
	return &httpError{status: http.StatusBadRequest, title: "Cannot do that", msg: msg}
}

// fail turns a handler's error into an error page: the App's answers by
// their code, with their sentence; anything else is logged and shown as a
// 500 without details.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	var he *httpError
	if errors.As(err, &he) {
		u.renderError(w, r, v, he.status, he.title, he.msg)
		return
	}
	if e, ok := app.AsError(err); ok {
		status, title := pageOf(e.Code)
		msg := sentence(e.Error())
		if e.Code == app.CodeNotFound {
			msg = "There is nothing here in this tenant. It may have been deleted."
		}
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())+1))
		}
		u.renderError(w, r, v, status, title, msg)
		return
	}
	u.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	u.renderError(w, r, v, http.StatusInternalServerError, "Something went wrong",
		"Argus could not handle this request. The error has been logged for the operator.")
}

// pageOf is the status and title of an error page for each app.Code.
func pageOf(c app.Code) (int, string) {
	switch c {
	case app.CodeInvalid:
		return http.StatusBadRequest, "Not valid"
	case app.CodeRefused:
		return http.StatusUnprocessableEntity, "Not allowed on this server"
	case app.CodeUnauthenticated:
		return http.StatusUnauthorized, "Sign in again"
	case app.CodeForbidden:
		return http.StatusForbidden, "Admins only"
	case app.CodeNotFound:
		return http.StatusNotFound, "Not found"
	case app.CodeConflict:
		return http.StatusConflict, "Cannot do that now"
	case app.CodeTooManyRequests:
		return http.StatusTooManyRequests, "Too many attempts"
	case app.CodeUnavailable:
		return http.StatusServiceUnavailable, "Not available on this server"
	}
	return http.StatusInternalServerError, "Something went wrong"
}

// statusOf is the status of a page that shows err beside a form's fields.
func statusOf(err error) int {
	if e, ok := app.AsError(err); ok {
		status, _ := pageOf(e.Code)
		return status
	}
	return http.StatusBadRequest
}

// sentence gives an App message the capital and full stop of a sentence on
// a page.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// fieldErrors puts the App's field messages beside the form's fields:
// names maps the App's field names to the form's (a field absent from it
// keeps its name), and messages become sentences. An error that is no
// answer with fields returns false.
func fieldErrors(err error, into map[string]string, names map[string]string) bool {
	e, ok := app.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return false
	}
	for _, f := range e.Fields {
		name := f.Field
		if i := strings.IndexByte(name, '['); i > 0 {
			name = name[:i] // steps[2] → steps
		}
		if n, ok := names[name]; ok {
			name = n
		}
		msg := sentence(f.Message)
		if prev := into[name]; prev != "" && prev != msg {
			msg = prev + "\n" + msg
		}
		into[name] = msg
	}
	return true
}

func when(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < 0:
		return t.UTC().Format("2006-01-02 15:04 UTC")
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func formatMS(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", ms)
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// agentElapsed is how long an agent has run: its duration once finished,
// the time since it started while it runs.
func agentElapsed(a *store.Agent) string {
	switch {
	case a.DurationMS != nil:
		return formatMS(*a.DurationMS)
	case a.StartedAt != nil && a.FinishedAt != nil:
		return formatMS(a.FinishedAt.Sub(*a.StartedAt).Milliseconds())
	case a.StartedAt != nil:
		return formatMS(time.Since(*a.StartedAt).Milliseconds())
	}
	return "—"
}

// statusLabel words a status for people; failed and error must never read
// alike.
func statusLabel(s store.Status) string {
	switch s {
	case store.StatusFailed:
		return "failed"
	case store.StatusError:
		return "error"
	}
	return string(s)
}

func formatArgs(m map[string]any) string {
	if len(m) == 0 {
		return ""
	}
	var b strings.Builder
	first := true
	for _, k := range sortedKeys(m) {
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%s=%v", k, m[k])
	}
	return b.String()
}
