package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/discovery"
	"github.com/argusqa/argus/store"
)

type discoverData struct {
	Discoveries []store.Discovery
	Personas    []store.Persona
	MaxPages    int
}

// discoverPage shows the form that starts a discovery and the project's
// latest discoveries.
func (u *UI) discoverPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	ds, err := u.app.ListDiscoveries(r.Context(), v.p, p.ID)
	if err != nil {
		return err
	}
	pers, err := u.app.ListPersonas(r.Context(), v.p, p.ID)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "discover", page{Title: "Discover · " + p.Name, V: v, Project: p, Nav: "discover",
		Data: discoverData{Discoveries: ds, Personas: pers, MaxPages: u.app.DiscoveryMaxPages()}})
	return nil
}

// discoverStart queues a discovery and shows its page.
func (u *UI) discoverStart(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	in := app.DiscoveryInput{Persona: r.PostFormValue("persona"), LoginPath: r.PostFormValue("login_path")}
	if s := strings.TrimSpace(r.PostFormValue("max_pages")); s != "" {
		if in.MaxPages, err = strconv.Atoi(s); err != nil || in.MaxPages < 1 {
			return badRequest("The page budget must be a whole number from 1.")
		}
	}
	d, err := u.app.StartDiscovery(r.Context(), v.p, p.ID, in)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/discoveries/"+d.ID.String(), http.StatusSeeOther)
	return nil
}

// discoveryPageView is one page of the map with the pages it links to and
// is linked from, for the navigable graph.
type discoveryPageView struct {
	discovery.Page
	Anchor   string
	LinksTo  []pageRef
	LinkedBy []pageRef
	Walled   string // the sign-in page an anonymous visitor is sent to
}

type pageRef struct{ Path, Anchor, Text string }

type discoveryData struct {
	D        *store.Discovery
	Map      *discovery.Map
	Pages    []discoveryPageView
	YAML     string
	Accepted string
	Error    string
}

// discoveryPage shows one discovery: its progress while it runs (the page
// reloads itself), then the app map as pages linked to each other and the
// suggested tests to review and accept.
func (u *UI) discoveryPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "discovery")
	if err != nil {
		return err
	}
	d, err := u.app.GetDiscovery(r.Context(), v.p, id)
	if err != nil {
		return err
	}
	data := discoveryData{D: d, YAML: d.SuggestedYAML, Accepted: r.URL.Query().Get("accepted")}
	return u.showDiscovery(w, r, v, http.StatusOK, &data)
}

func (u *UI) showDiscovery(w http.ResponseWriter, r *http.Request, v *viewer, status int, data *discoveryData) error {
	d := data.D
	p, err := u.app.GetProject(r.Context(), v.p, d.ProjectID)
	if err != nil {
		return err
	}
	if len(d.AppMap) > 0 {
		var m discovery.Map
		if err := json.Unmarshal(d.AppMap, &m); err != nil {
			return err
		}
		data.Map = &m
		data.Pages = graph(&m)
	}
	u.render(w, r, status, "discovery", page{Title: "Discovery · " + p.Name, V: v, Project: p, Nav: "discover", Data: data})
	return nil
}

// graph lays the map out as pages with their edges both ways.
func graph(m *discovery.Map) []discoveryPageView {
	anchor := map[string]string{}
	out := make([]discoveryPageView, len(m.Pages))
	for i, p := range m.Pages {
		anchor[p.Path] = "page-" + strconv.Itoa(i+1)
		out[i] = discoveryPageView{Page: p, Anchor: anchor[p.Path]}
	}
	index := map[string]int{}
	for i, p := range m.Pages {
		index[p.Path] = i
	}
	seen := map[[2]string]bool{}
	for _, l := range m.Links {
		from, okf := index[l.From]
		to, okt := index[l.To]
		if !okf || !okt || l.From == l.To || seen[[2]string{l.From, l.To}] {
			continue
		}
		seen[[2]string{l.From, l.To}] = true
		out[from].LinksTo = append(out[from].LinksTo, pageRef{Path: l.To, Anchor: anchor[l.To], Text: l.Text})
		out[to].LinkedBy = append(out[to].LinkedBy, pageRef{Path: l.From, Anchor: anchor[l.From], Text: l.Text})
	}
	for _, w := range m.AuthWalls {
		if i, ok := index[w.Path]; ok {
			out[i].Walled = w.SignIn
		}
	}
	return out
}

// discoveryAccept adds the reviewed suggested tests to the project.
func (u *UI) discoveryAccept(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "discovery")
	if err != nil {
		return err
	}
	text := r.PostFormValue("yaml")
	changes, err := u.app.AcceptDiscovery(r.Context(), v.p, id, text)
	if err != nil {
		e, ok := app.AsError(err)
		if !ok || e.Code != app.CodeInvalid {
			return err
		}
		d, gerr := u.app.GetDiscovery(r.Context(), v.p, id)
		if gerr != nil {
			return gerr
		}
		msg := e.Detail
		for _, f := range e.Fields {
			msg += "\n" + f.Message
		}
		return u.showDiscovery(w, r, v, http.StatusBadRequest, &discoveryData{D: d, YAML: text, Error: msg})
	}
	http.Redirect(w, r, "/discoveries/"+id.String()+"?accepted="+strconv.Itoa(len(changes)), http.StatusSeeOther)
	return nil
}

// discoveryCancel stops a queued or running discovery and closes its
// browsers; one that already finished stays as it is.
func (u *UI) discoveryCancel(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "discovery")
	if err != nil {
		return err
	}
	if _, err := u.app.CancelDiscovery(r.Context(), v.p, id); err != nil && !errors.Is(err, app.ErrDiscoveryFinished) {
		return err
	}
	http.Redirect(w, r, "/discoveries/"+id.String(), http.StatusSeeOther)
	return nil
}
