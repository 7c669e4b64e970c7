package web_test

import (
	"html"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/store"
)

// A run a change picked shows why each test was picked, and how.
func TestRunPageShowsSelection(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	run, _, _, err := e.st.CreateRun(e.ctx, e.tenant.ID, store.RunInput{ProjectID: p.ID, Trigger: store.TriggerCI, TestIDs: []uuid.UUID{tt.ID},
		Selection: &store.RunSelection{Method: "model", Model: "scripted:ranker", ChangedFiles: 3, Commits: 1,
			Tests: []api.SelectedTest{{ID: tt.ID, Name: tt.Name, Reason: "checkout.html's <form> changed"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, _, _, err := e.st.CreateRun(e.ctx, e.tenant.ID, store.RunInput{ProjectID: p.ID, Trigger: store.TriggerAPI, TestIDs: []uuid.UUID{tt.ID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("max@example.com")
	body := c.get("/runs/" + run.ID.String()).Body
	for _, want := range []string{"Why these tests", "3 files and 1 commit", "scripted:ranker", html.EscapeString("checkout.html's <form> changed")} {
		if !strings.Contains(body, want) {
			t.Errorf("run page lacks %q", want)
		}
	}
	if strings.Contains(c.get("/runs/"+plain.ID.String()).Body, "Why these tests") {
		t.Error("a run no change picked shows a selection")
	}
}
