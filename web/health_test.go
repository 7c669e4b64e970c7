package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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
	// The board is the project's front page; the other pages link to it,
	// and its old address leads there with the filter kept.
	board := "/projects/" + p.ID.String()
	if res := c.get(board + "/tests"); !strings.Contains(res.Body, `href="`+board+`"`) {
		t.Fatal("the tests page does not link to the health board")
	}
	if res := c.get(board + "/health?tag=slow"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != board+"?tag=slow" {
		t.Fatalf("old board address: %d %q", res.StatusCode, res.Header.Get("Location"))
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
	if !strings.Contains(res.Body, `Re-run <span data-field="failing">1</span> failing`) || strings.Contains(res.Body, `id="rerun-failing" hidden`) {
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
	rr := c.post(board+"/health/rerun-failing", url.Values{"nonce": {"board-1"}})
	if rr.StatusCode != http.StatusSeeOther || !strings.HasPrefix(rr.Header.Get("Location"), "/runs/") {
		t.Fatalf("re-run failing: %d %q %s", rr.StatusCode, rr.Header.Get("Location"), rr.Body)
	}
	agents := <-e.sched.runs
	if len(agents) != 1 || *agents[0].TestID != flaky.ID {
		t.Fatalf("re-run failing queued %+v, want the one failing test", agents)
	}
	// Among the slow tests none fails: nothing to run, a 400.
	if r := c.post(board+"/health/rerun-failing", url.Values{"tag": {"slow"}, "nonce": {"board-2"}}); r.StatusCode != http.StatusBadRequest {
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

// TestHealthBoardLive follows the board over its event stream: the first
// events carry every card, then a run of the project's test sends its card
// running, then failed with the re-run count; a run in another project of
// the same tenant sends nothing.
func TestHealthBoardLive(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	other, otherTest := e.seedProject("Blog", "Comment")
	c := e.login("max@example.com")
	ctx, cancel := context.WithTimeout(e.ctx, 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.url+"/projects/"+p.ID.String()+"/health/live", nil)
	res, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("live board: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	events := sseEvents(t, res.Body)
	next := func(want string) string {
		t.Helper()
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("stream ended waiting for %q", want)
			}
			if ev.name != want {
				t.Fatalf("event %q (%s), want %q", ev.name, ev.data, want)
			}
			return ev.data
		case <-ctx.Done():
			t.Fatalf("no %q event", want)
		}
		return ""
	}
	if card := next("card"); !strings.Contains(card, `id="card-`+tt.ID.String()+`"`) || !strings.Contains(card, "never run") {
		t.Fatalf("first card: %s", card)
	}
	if f := next("failing"); f != `{"count":0}` {
		t.Fatalf("failing: %s", f)
	}

	// The other project's run comes first: had it sent anything, it would
	// arrive before this project's card.
	_, otherAgents := e.seedRun(other, otherTest.ID)
	ow := e.worker(otherAgents[0])
	ow.start()
	ow.finish(store.StatusFailed, "no comment box", "")

	_, agents := e.seedRun(p, tt.ID)
	w := e.worker(agents[0])
	w.start()
	if card := next("card"); !strings.Contains(card, "s-running") || strings.Contains(card, otherTest.ID.String()) {
		t.Fatalf("running card: %s", card)
	}
	next("failing")
	w.finish(store.StatusFailed, "the total was wrong", "")
	card := next("card")
	for card != "" && strings.Contains(card, "s-running") {
		// The agent's end and the run's end are two signals; the first
		// may still show the run going.
		next("failing")
		card = next("card")
	}
	if !strings.Contains(card, `class="badge s-failed"`) || !strings.Contains(card, "st-failed") {
		t.Fatalf("finished card: %s", card)
	}
	if f := next("failing"); f != `{"count":1}` {
		t.Fatalf("failing after the run: %s", f)
	}
}

type sseEvent struct{ name, data string }

// sseEvents reads a Server-Sent Events stream into a channel, closed at
// its end.
func sseEvents(t *testing.T, body io.Reader) <-chan sseEvent {
	t.Helper()
	ch := make(chan sseEvent, 64)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(body)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data += strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				var html struct {
					HTML string `json:"html"`
				}
				if json.Unmarshal([]byte(ev.data), &html) == nil && html.HTML != "" {
					ev.data = html.HTML
				}
				ch <- ev
				ev = sseEvent{}
			}
		}
	}()
	return ch
}
