package app

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
)

// pages holds one parsed template set per page, each combining the shared
// layout with the page's own content.
type pages map[string]*template.Template

var pageNames = []string{"home", "signup", "login", "logincode", "dashboard", "profile", "products", "settings", "notfound", "confirm", "orders", "order"}

// parsePages parses the templates as read (the running mutant's rewrites
// applied).
func parsePages(read func(file string) ([]byte, error)) (pages, error) {
	p := pages{}
	for _, name := range pageNames {
		t := template.New(name).Funcs(templateFuncs)
		for _, file := range []string{"templates/layout.html", "templates/" + name + ".html"} {
			src, err := read(file)
			if err != nil {
				return nil, err
			}
			if t, err = t.New(file).Parse(string(src)); err != nil {
				return nil, err
			}
		}
		p[name] = t
	}
	return p, nil
}

var templateFuncs = template.FuncMap{
	"field": newField,
	"val":   func(v view, name string) string { return v.Form[name] },
}

// fieldView is what the "field" template renders: a labelled control with
// its hint and error linked through aria-describedby.
type fieldView struct {
	Name, Label, Type, Autocomplete, Hint string
	Value, Error, Describedby             string
}

func newField(v view, name, label, typ, autocomplete, hint string) fieldView {
	f := fieldView{Name: name, Label: label, Type: typ, Autocomplete: autocomplete, Hint: hint,
		Value: v.Form[name], Error: v.Errors[name]}
	var ids []string
	if hint != "" {
		ids = append(ids, name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, name+"-error")
	}
	f.Describedby = strings.Join(ids, " ")
	return f
}

// view is what every page template receives.
type view struct {
	Title  string
	User   *user
	Active string // nav entry to mark as current
	// Form values and field errors, for pages with a form.
	Form   map[string]string
	Errors fieldErrors
	Alert  string // error summary, role=alert
	Status string // success message, role=status
	// Products page.
	Query    string
	Products []product
	// Settings page.
	Languages []string
	// Orders pages.
	Orders []order
	Order  *order
}

// render writes a page. It renders into a buffer first so a template error
// becomes a clean 500 instead of half a page.
func (a *App) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	if u, ok := a.currentUser(r); ok && v.User == nil {
		v.User = &u
	}
	var buf bytes.Buffer
	if err := a.pages[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		a.log.Error("render page", "page", page, "err", err)
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"encode response"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
