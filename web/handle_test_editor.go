package web

import (
	"net/http"

	"github.com/argusqa/argus/store"
)

type testEditData struct {
	Test  *store.Test // nil for a new test
	Form  testForm
	Nonce string
	Saved bool
}

func (u *UI) testNew(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "test", page{Title: "New test", V: v, Project: p, Nav: "tests", Data: testEditData{}})
	return nil
}

func (u *UI) testCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	f := readTestForm(r)
	status := http.StatusBadRequest
	if d, ok := f.draft(); ok {
		t, err := u.app.CreateTest(r.Context(), v.p, p.ID, d)
		if err == nil {
			http.Redirect(w, r, "/tests/"+t.ID.String()+"?saved=1", http.StatusSeeOther)
			return nil
		}
		if !f.showErrors(err) {
			return err
		}
		status = statusOf(err)
	}
	u.render(w, r, status, "test", page{Title: "New test", V: v, Project: p, Nav: "tests", Data: testEditData{Form: f}})
	return nil
}

func (u *UI) loadTest(r *http.Request, v *viewer) (*store.Test, *store.Project, error) {
	id, err := pathID(r, "test")
	if err != nil {
		return nil, nil, err
	}
	return u.app.GetTest(r.Context(), v.p, id)
}

func (u *UI) testEdit(w http.ResponseWriter, r *http.Request, v *viewer) error {
	t, p, err := u.loadTest(r, v)
	if err != nil {
		return err
	}
	d := testEditData{Test: t, Form: formFromTest(t), Nonce: nonce(), Saved: r.URL.Query().Get("saved") == "1"}
	u.render(w, r, http.StatusOK, "test", page{Title: t.Name, V: v, Project: p, Nav: "tests", Data: d})
	return nil
}

func (u *UI) testUpdate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	t, p, err := u.loadTest(r, v)
	if err != nil {
		return err
	}
	f := readTestForm(r)
	status := http.StatusBadRequest
	if d, ok := f.draft(); ok {
		_, err := u.app.UpdateTest(r.Context(), v.p, t.ID, d)
		if err == nil {
			http.Redirect(w, r, "/tests/"+t.ID.String()+"?saved=1", http.StatusSeeOther)
			return nil
		}
		if !f.showErrors(err) {
			return err
		}
		status = statusOf(err)
	}
	u.render(w, r, status, "test", page{Title: t.Name, V: v, Project: p, Nav: "tests", Data: testEditData{Test: t, Form: f, Nonce: nonce()}})
	return nil
}

func (u *UI) testDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	t, _, err := u.loadTest(r, v)
	if err != nil {
		return err
	}
	if err := u.app.DeleteTest(r.Context(), v.p, t.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+t.ProjectID.String()+"/tests", http.StatusSeeOther)
	return nil
}
