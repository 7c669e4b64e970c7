package discovery

import "time"

// Map is what discovery learned about an application. It is plain data,
// written as JSON (app-map.json) and shown in the UI.
type Map struct {
	// BaseURL is the application's base URL as given.
	BaseURL string `json:"base_url"`
	// Started and Finished bound the discovery.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Pages are the pages reached, in the order they were first seen.
	Pages []Page `json:"pages"`
	// Links are the edges between pages: From and To are page paths.
	Links []Link `json:"links"`
	// AuthWalls are pages that send an anonymous visitor to a sign-in page.
	AuthWalls []AuthWall `json:"auth_walls,omitempty"`
	// External are links that leave the allowed origins, not followed.
	External []string `json:"external,omitempty"`
	// Refused are URLs the target policy refused, with the reason.
	Refused []Refusal `json:"refused,omitempty"`
	// Skipped are links not followed because they look destructive (log
	// out, delete…) or are not pages (downloads, mailto:).
	Skipped []string `json:"skipped,omitempty"`
	// Flows are the main user journeys the flows phase found (with a
	// model only).
	Flows []Flow `json:"flows,omitempty"`
	// FlowsError says why the flows phase found nothing, when it failed.
	FlowsError string `json:"flows_error,omitempty"`
	// BudgetExhausted says the page budget ended the crawl before the
	// frontier was empty.
	BudgetExhausted bool `json:"budget_exhausted,omitempty"`
}

// Page is one page of the application.
type Page struct {
	// Path is the page's key: path plus a client-side route fragment
	// (#/…), without the query.
	Path string `json:"path"`
	// URL is the first URL the page was loaded from.
	URL      string   `json:"url"`
	Title    string   `json:"title,omitempty"`
	Headings []string `json:"headings,omitempty"`
	// Status is the HTTP status of the document, 0 when unknown.
	Status int `json:"status,omitempty"`
	// ConsoleErrors counts console errors and uncaught exceptions seen
	// while the page loaded.
	ConsoleErrors int `json:"console_errors,omitempty"`
	// Persona is true when the page was reached only signed in.
	Persona bool `json:"persona,omitempty"`
	// SignIn marks a page with a password field: a sign-in or sign-up page.
	SignIn bool `json:"sign_in,omitempty"`
	// Forms are the page's forms.
	Forms []Form `json:"forms,omitempty"`
	// Via says how the page was found: "start", "link", "menu" or "script"
	// (a click on a script-driven link, a client-side route).
	Via string `json:"via"`
}

// Link is one link between two pages.
type Link struct {
	From string `json:"from"`
	To   string `json:"to"`
	Text string `json:"text,omitempty"`
	// Nav is true for links inside navigation (nav, header, menu).
	Nav bool `json:"nav,omitempty"`
	// Visible is false for links present in the document but not shown
	// until a menu opens.
	Visible bool `json:"visible"`
	// Persona is true for links shown only to the signed-in persona.
	Persona bool `json:"persona,omitempty"`
}

// AuthWall is a page an anonymous visitor cannot see.
type AuthWall struct {
	Path string `json:"path"`
	// SignIn is the path the visitor is sent to instead.
	SignIn string `json:"sign_in"`
}

// Refusal is a URL the browser was not allowed to open.
type Refusal struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

// Form is one form of a page.
type Form struct {
	// Name is the form's accessible name, id or nearest heading.
	Name   string `json:"name"`
	Method string `json:"method"`
	// Action is the absolute URL the form submits to; empty when it has
	// no action attribute (often a script handles it).
	Action     string   `json:"action,omitempty"`
	NoValidate bool     `json:"novalidate,omitempty"`
	Fields     []Field  `json:"fields"`
	Submits    []string `json:"submits,omitempty"`
	// Destructive says the form looks like it deletes, pays, sends or
	// ends something; such forms are not submitted.
	Destructive bool `json:"destructive,omitempty"`
	// Kind is "search", "sign-in", "sign-up", "logout" or "data".
	Kind string `json:"kind"`
	// Probe is what an empty submission showed, when one was made.
	Probe *Probe `json:"probe,omitempty"`
	// css addresses the form in its page for the probe.
	css string
}

// Field is one field of a form.
type Field struct {
	Tag   string `json:"tag"`
	Type  string `json:"type"`
	Name  string `json:"name,omitempty"`
	ID    string `json:"id,omitempty"`
	Label string `json:"label,omitempty"`
	// Required is the required attribute or aria-required.
	Required     bool     `json:"required,omitempty"`
	Pattern      string   `json:"pattern,omitempty"`
	MinLength    string   `json:"minlength,omitempty"`
	MaxLength    string   `json:"maxlength,omitempty"`
	Min          string   `json:"min,omitempty"`
	Max          string   `json:"max,omitempty"`
	Autocomplete string   `json:"autocomplete,omitempty"`
	Options      []string `json:"options,omitempty"`
	// Hints are texts the field is described by (aria-describedby).
	Hints []string `json:"hints,omitempty"`
}

// Probe is the answer to one empty submission of a form.
type Probe struct {
	// URL is the page path after the submission.
	URL string `json:"url"`
	// Stayed is true when the browser stayed on the form's page.
	Stayed bool `json:"stayed"`
	// Messages are alert and error texts shown after the submission that
	// were not there before.
	Messages []string `json:"messages,omitempty"`
	// FieldErrors are validation texts per field label (the browser's own
	// validation message or the text the field is described by).
	FieldErrors map[string]string `json:"field_errors,omitempty"`
}

// Page returns the page with path p, or nil.
func (m *Map) Page(p string) *Page {
	for i := range m.Pages {
		if m.Pages[i].Path == p {
			return &m.Pages[i]
		}
	}
	return nil
}

// Forms counts the forms of every page.
func (m *Map) Forms() int {
	n := 0
	for _, p := range m.Pages {
		n += len(p.Forms)
	}
	return n
}
