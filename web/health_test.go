package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/argusqa/argus/store"
)

// TestHealthBoard runs one test four times with alternating verdicts and
// leaves another never run: the board shows the flaky test's strip and its
// three changes, filters by status and tag, and "re-run all failing"
// starts a run of the failing test alone.
func TestHealthBoard(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, flaky := e.seedProject("Shop", "Checkout")
	idle, err := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: "Refund", Goal: "Ask for a refund", Tags: []string{"slow"}})
	if err != nil {
		t.Fatal(err)
	}
	verdicts := []store.Status{store.StatusPassed, store.StatusFailed, store.StatusPassed, store.StatusFailed}
	for _, st := range verdicts {
		_, agents := e.seedRun(p, flaky.ID)
		w := e.worker(agents[0])
		w.start()
		w.finish(st, "the total was "+string(st), "")
	}
	c := e.login("max@example.com")
	board := "/projects/" + p.ID.String() + "/health"

	// The project's pages link to the board.
	if res := c.get("/projects/" + p.ID.String()); !strings.Contains(res.Body, `href="`+board+`"`) {
		t.Fatal("the tests page does not link to the health board")
	}
	res := c.get(board)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("board: %d %s", res.StatusCode, res.Body)
	}
	card := cardOf(t, res.Body, flaky.ID.String())
	if got := strings.Count(card, `class="st st-`); got != len(verdicts) {
		t.Errorf("strip has %d verdicts, want %d", got, len(verdicts))
	}
	// Newest first: failed, passed, failed, passed.
	if i, j := strings.Index(card, "st-failed"), strings.Index(card, "st-passed"); i < 0 || j < 0 || i > j {
		t.Errorf("strip not newest first: failed at %d, passed at %d", i, j)
	}
	for _, want := range []string{`class="badge s-failed"`, "3 changes in 4", "Re-run Checkout", "model"} {
		if !strings.Contains(card, want) {
			t.Errorf("flaky card lacks %q:\n%s", want, card)
		}
	}
	if idleCard := cardOf(t, res.Body, idle.ID.String()); !strings.Contains(idleCard, "never run") || strings.Contains(idleCard, `class="strip"`) {
		t.Errorf("never-run card:\n%s", idleCard)
	}
	if !strings.Contains(res.Body, "Re-run 1 failing") {
		t.Error("no re-run failing button for one failing test")
	}

	// Filters.
	failing := c.get(board + "?status=failing")
	if !strings.Contains(failing.Body, flaky.ID.String()) || strings.Contains(failing.Body, `data-test="`+idle.ID.String()) {
		t.Error("status=failing does not show just the failing test")
	}
	slow := c.get(board + "?tag=slow")
	if strings.Contains(slow.Body, `data-test="`+flaky.ID.String()) || !strings.Contains(slow.Body, `data-test="`+idle.ID.String()) {
		t.Error("tag=slow does not show just the slow test")
	}
	if r := c.get(board + "?status=bogus"); r.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown status filter: %d", r.StatusCode)
	}

	// Re-run all failing starts one run of the failing test alone.
	rr := c.post(board+"/rerun-failing", url.Values{"nonce": {"board-1"}})
	if rr.StatusCode != http.StatusSeeOther || !strings.HasPrefix(rr.Header.Get("Location"), "/runs/") {
		t.Fatalf("re-run failing: %d %q %s", rr.StatusCode, rr.Header.Get("Location"), rr.Body)
	}
	agents := <-e.sched.runs
	if len(agents) != 1 || *agents[0].TestID != flaky.ID {
		t.Fatalf("re-run failing queued %+v, want the one failing test", agents)
	}
	// Among the slow tests none fails: nothing to run, a 400.
	if r := c.post(board+"/rerun-failing", url.Values{"tag": {"slow"}, "nonce": {"board-2"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("re-run failing with none failing: %d", r.StatusCode)
	}
}

// cardOf returns the board card of one test.
func cardOf(t *testing.T, body, testID string) string {
	t.Helper()
	i := strings.Index(body, `data-test="`+testID+`"`)
	if i < 0 {
		t.Fatalf("no card for test %s", testID)
	}
	card := body[i:]
	if j := strings.Index(card[1:], `class="card"`); j >= 0 {
		return card[:j+1]
	}
	if j := strings.Index(card, "</ul>"); j >= 0 {
		card = card[:j]
	}
	return card
}
