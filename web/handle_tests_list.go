package web

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/store"
)

type testListData struct {
	Tests []store.Test
	Query string
	Tag   string
	// Next is the cursor of the next page, empty on the last one.
	Next string
	// First is set on a later page, to go back to the start.
	First bool
	Nonce string
}

// testList is a project's home: its tests, searched by name and goal
// (trigram index) and filtered by tag, one page at a time.
func (u *UI) testList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := testListData{Query: strings.TrimSpace(q.Get("q")), Tag: strings.TrimSpace(q.Get("tag")), Nonce: nonce()}
	cur, err := store.ParseCursor(q.Get("cursor"))
	if err != nil {
		return badRequest("This page link is damaged; go back to the first page.")
	}
	f := store.TestFilter{ProjectID: &p.ID, Search: d.Query, After: cur, Limit: store.DefaultPageSize}
	if d.Tag != "" {
		f.Tags = []string{d.Tag}
	}
	tests, next, err := u.store.ListTests(r.Context(), v.TenantID, f)
	if err != nil {
		return err
	}
	d.Tests, d.First = tests, cur != nil
	if next != nil {
		d.Next = next.String()
	}
	u.render(w, r, http.StatusOK, "tests", page{Title: p.Name, V: v, Project: p, Nav: "tests", Data: d})
	return nil
}
