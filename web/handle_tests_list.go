package web

import (
	"net/http"
	"strings"

	"github.com/argusqa/argus/app"
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
	req := app.TestListRequest{Project: p.ID, Search: d.Query, Page: app.PageRequest{Cursor: q.Get("cursor")}}
	if d.Tag != "" {
		req.Tags = []string{d.Tag}
	}
	tests, next, err := u.app.ListTests(r.Context(), v.p, req)
	if err != nil {
		return err
	}
	d.Tests, d.First = tests, q.Get("cursor") != ""
	if next != nil {
		d.Next = next.String()
	}
	u.render(w, r, http.StatusOK, "tests", page{Title: p.Name, V: v, Project: p, Nav: "tests", Data: d})
	return nil
}
