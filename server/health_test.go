package server_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/store"
)

// TestProjectHealthAPI: a test whose verdicts alternate shows them
// newest first with its flakiness; the status and tag filters select
// cards; an unknown status is a 400 naming the field.
func TestProjectHealthAPI(t *testing.T) {
	e := newEnv(t, nil)
	a := e.world("acme")
	ctx := t.Context()
	T := a.tenant.ID
	for _, st := range []store.Status{store.StatusPassed, store.StatusFailed, store.StatusPassed, store.StatusFailed} {
		_, agents, _, err := e.store.CreateRun(ctx, T, store.RunInput{ProjectID: a.project.ID, TestIDs: []uuid.UUID{a.test.ID}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.FinishAgent(ctx, T, agents[0].ID, store.AgentResult{Status: st, Summary: "ended " + string(st)}); err != nil {
			t.Fatal(err)
		}
	}
	path := "/api/v1/projects/" + a.project.ID.String() + "/health"
	r := e.do("GET", path, key(a.memberKey), nil)
	if r.status != 200 {
		t.Fatalf("health: %d %s", r.status, r.body)
	}
	var board api.List[api.TestHealth]
	r.json(t, &board)
	var card *api.TestHealth
	for i := range board.Items {
		if board.Items[i].Test.ID == a.test.ID {
			card = &board.Items[i]
		}
	}
	if card == nil {
		t.Fatalf("no card for %s in %s", a.test.Name, r.body)
	}
	if card.Status != "failed" || len(card.Recent) != 4 || card.Flakiness != 3 || card.LastPassAt == nil || card.Recent[0].Summary != "ended failed" {
		t.Errorf("card = %+v, want failed, 4 verdicts, flakiness 3, a last pass", card)
	}
	for q, want := range map[string]bool{"?status=failing": true, "?status=passed": false, "?status=failed&tag=smoke": true, "?tag=nosuchtag": false} {
		r := e.do("GET", path+q, key(a.memberKey), nil)
		var b api.List[api.TestHealth]
		r.json(t, &b)
		found := false
		for _, c := range b.Items {
			found = found || c.Test.ID == a.test.ID
		}
		if r.status != 200 || found != want {
			t.Errorf("%s: %d, card shown %v, want %v", q, r.status, found, want)
		}
	}
	if r := e.do("GET", path+"?status=green", key(a.memberKey), nil); r.status != 400 || !isProblem(r) {
		t.Errorf("unknown status: %d %s", r.status, r.body)
	}
}
