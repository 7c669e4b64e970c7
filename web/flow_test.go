package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/store"
)

func TestTenantSwitcher(t *testing.T) {
	e := newEnv(t, envOptions{})
	second, err := e.st.CreateTenant(e.ctx, "Beta Corp", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddMember(e.ctx, second.ID, e.member.ID, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	c := e.login("max@example.com")
	// The first tenant by name is chosen at login.
	page := c.get("/projects")
	if !strings.Contains(page.Body, `id="tenant-switch"`) || !strings.Contains(page.Body, "Beta Corp (admin)") {
		t.Fatal("no tenant switcher for a person in two tenants")
	}
	old := c.cookie().Value
	first, _ := e.st.LookupSession(e.ctx, old)
	other := second.ID
	if first.TenantID == second.ID {
		other = e.tenant.ID
	}
	if r := c.post("/switch-tenant", url.Values{"tenant": {other.String()}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch: %d", r.StatusCode)
	}
	sess, err := e.st.LookupSession(e.ctx, c.cookie().Value)
	if err != nil || sess.TenantID != other {
		t.Fatalf("after the switch: %+v %v", sess, err)
	}
	if _, err := e.st.LookupSession(e.ctx, old); err == nil {
		t.Fatal("the old session survived the switch")
	}
	// A tenant the person does not belong to is refused.
	stranger, _ := e.st.CreateTenant(e.ctx, "Stranger", "")
	if r := c.post("/switch-tenant", url.Values{"tenant": {stranger.ID.String()}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("switch to a foreign tenant: %d", r.StatusCode)
	}
}

func TestCancelAndRerun(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	run, agents := e.seedRun(p, tt.ID)
	c := e.login("max@example.com")
	page := c.get("/agents/" + agents[0].ID.String())
	if !strings.Contains(page.Body, `id="cancel-form"`) || !strings.Contains(page.Body, "Queued: waiting") {
		t.Fatal("a queued agent's page offers no cancel")
	}
	if r := c.post("/agents/"+agents[0].ID.String()+"/cancel", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.StatusCode)
	}
	a, _ := e.st.GetAgent(e.ctx, e.tenant.ID, agents[0].ID)
	r, _ := e.st.GetRun(e.ctx, e.tenant.ID, run.ID)
	if a.Status != store.StatusCancelled || r.Status != store.StatusCancelled {
		t.Fatalf("after cancel: agent %s, run %s", a.Status, r.Status)
	}
	page = c.get("/agents/" + agents[0].ID.String())
	if strings.Contains(page.Body, `id="cancel-form"`) {
		t.Fatal("a cancelled agent still offers cancel")
	}
	res := c.post("/agents/"+agents[0].ID.String()+"/rerun", url.Values{"nonce": {"again-1"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/runs/") || loc == "/runs/"+run.ID.String() {
		t.Fatalf("rerun: %d %q", res.StatusCode, loc)
	}
	if e.sched.enqueueCount() != 1 {
		t.Fatalf("rerun enqueued %d runs", e.sched.enqueueCount())
	}
}

func TestErrorAndFailedLookDifferent(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	_, failed := e.seedRun(p, tt.ID)
	_, errored := e.seedRun(p, tt.ID)
	w := e.worker(failed[0])
	w.start()
	w.finish(store.StatusFailed, "The checkout button did nothing.", "")
	w = e.worker(errored[0])
	w.start()
	w.finish(store.StatusError, "", "the model provider stayed unreachable")
	c := e.login("max@example.com")
	f := c.get("/agents/" + failed[0].ID.String()).Body
	er := c.get("/agents/" + errored[0].ID.String()).Body
	if !strings.Contains(f, `class="badge s-failed"`) || !strings.Contains(f, "Failed: the application did not do") {
		t.Error("failed agent not shown as a failure of the application")
	}
	if !strings.Contains(er, `class="badge s-error"`) || !strings.Contains(er, "this is not a verdict on the application") || !strings.Contains(er, "the model provider stayed unreachable") {
		t.Error("error agent not shown as Argus's error with its reason")
	}
}

func TestRunEveryMatchingTest(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	if _, err := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: "Search", Goal: "Search for socks", Tags: []string{"smoke"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: "Refund", Goal: "Ask for a refund", Tags: []string{"slow"}}); err != nil {
		t.Fatal(err)
	}
	c := e.login("max@example.com")
	res := c.post("/projects/"+p.ID.String()+"/runs", url.Values{"tag": {"smoke"}, "nonce": {"all-1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("run matching: %d %s", res.StatusCode, res.Body)
	}
	agents := <-e.sched.runs
	if len(agents) != 2 {
		t.Fatalf("run of tag smoke has %d agents, want 2", len(agents))
	}
	if r := c.post("/projects/"+p.ID.String()+"/runs", url.Values{"q": {"no such test"}}); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("run of nothing: %d", r.StatusCode)
	}
}

// TestAgentLiveStreamsSteps reads the agent page's event stream while the
// worker records steps: each step arrives once, rendered, then the verdict
// and the end.
func TestAgentLiveStreamsSteps(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	_, agents := e.seedRun(p, tt.ID)
	w := e.worker(agents[0])
	w.start()
	w.step(1, "first thought", "click", "ok", pngBytes())
	c := e.login("max@example.com")
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.url+"/agents/"+agents[0].ID.String()+"/live", nil)
	res, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	events := make(chan string)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				events <- ev + " " + strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	next := func() string {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("stream ended early")
			}
			return ev
		case <-ctx.Done():
			t.Fatal("no event in time")
		}
		return ""
	}
	if ev := next(); !strings.HasPrefix(ev, "step ") || !strings.Contains(ev, "first thought") {
		t.Fatalf("snapshot step: %s", ev)
	}
	if ev := next(); !strings.HasPrefix(ev, `agent {`) || !strings.Contains(ev, `"status":"running"`) {
		t.Fatalf("snapshot agent: %s", ev)
	}
	w.step(2, "second thought", "type", "typed", nil)
	if ev := next(); !strings.HasPrefix(ev, "step ") || !strings.Contains(ev, "second thought") || strings.Contains(ev, "first thought") {
		t.Fatalf("second step: %s", ev)
	}
	w.finish(store.StatusPassed, "all good", "")
	var seen []string
	for ev := range events {
		seen = append(seen, ev)
	}
	joined := strings.Join(seen, "\n")
	if !strings.Contains(joined, `"status":"passed"`) || !strings.Contains(joined, "end ") || strings.Count(joined, "second thought") > 0 {
		t.Fatalf("after the verdict: %s", joined)
	}
}

func TestRedeliver(t *testing.T) {
	e := newEnv(t, envOptions{redeliver: true})
	p, _ := e.seedProject("Shop", "Checkout")
	other, _ := e.seedProject("Blog", "Read")
	if _, err := e.st.UpdateProject(e.ctx, e.tenant.ID, p.ID, store.ProjectInput{Name: p.Name, BaseURL: p.BaseURL, WebhookURL: "https://ci.example.com/hook"}); err != nil {
		t.Fatal(err)
	}
	code := 500
	d, err := e.st.RecordDelivery(e.ctx, e.tenant.ID, store.WebhookDelivery{ProjectID: p.ID, EventID: "evt_1", EventType: "run.finished",
		URL: "https://ci.example.com/hook", Payload: []byte(`{"type":"run.finished"}`), Attempt: 1, StatusCode: &code, ResponseExcerpt: "oops"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("ada@example.com")
	log := c.get("/projects/" + p.ID.String() + "/deliveries")
	if !strings.Contains(log.Body, "run.finished") || !strings.Contains(log.Body, "HTTP 500") || !strings.Contains(log.Body, "Redeliver") {
		t.Fatalf("delivery log: %s", log.Body)
	}
	// Through another project's URL, the delivery is not found.
	if r := c.post("/projects/"+other.ID.String()+"/deliveries/"+d.ID.String()+"/redeliver", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("redeliver through another project: %d", r.StatusCode)
	}
	if r := c.post("/projects/"+p.ID.String()+"/deliveries/"+d.ID.String()+"/redeliver", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("redeliver: %d %s", r.StatusCode, r.Body)
	}
	if got := <-e.redelivered; got != d.ID {
		t.Fatalf("redelivered %s, want %s", got, d.ID)
	}
	if r := e.login("max@example.com").post("/projects/"+p.ID.String()+"/deliveries/"+d.ID.String()+"/redeliver", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member redeliver: %d", r.StatusCode)
	}
}

func TestCancelRun(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	t2, _ := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: "Search", Goal: "Search"})
	run, agents := e.seedRun(p, tt.ID, t2.ID)
	w := e.worker(agents[0])
	w.start()
	w.finish(store.StatusPassed, "ok", "")
	c := e.login("max@example.com")
	if !strings.Contains(c.get("/runs/"+run.ID.String()).Body, `id="cancel-run"`) {
		t.Fatal("an unfinished run offers no cancel")
	}
	if r := c.post("/runs/"+run.ID.String()+"/cancel", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel run: %d", r.StatusCode)
	}
	as, _ := e.st.ListAgents(e.ctx, e.tenant.ID, run.ID)
	if as[0].Status != store.StatusPassed || as[1].Status != store.StatusCancelled {
		t.Fatalf("after cancel: %s, %s", as[0].Status, as[1].Status)
	}
	if strings.Contains(c.get("/runs/"+run.ID.String()).Body, `id="cancel-run"`) {
		t.Fatal("a finished run still offers cancel")
	}
}

func TestCloseStreamsEndsLivePages(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	run, _ := e.seedRun(p, tt.ID)
	c := e.login("max@example.com")
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.url+"/runs/"+run.ID.String()+"/live", nil)
	res, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "event: ") {
		t.Fatalf("stream start: %q %v", line, err)
	}
	e.app.CloseStreams()
	if _, err := io.Copy(io.Discard, br); err != nil || ctx.Err() != nil {
		t.Fatalf("stream did not end on CloseStreams: %v %v", err, ctx.Err())
	}
}

func TestTestsListPages(t *testing.T) {
	e := newEnv(t, envOptions{})
	p, _ := e.seedProject("Shop", "Checkout")
	for i := 0; i < store.DefaultPageSize+4; i++ {
		if _, err := e.st.CreateTest(e.ctx, e.tenant.ID, p.ID, store.TestInput{Name: fmt.Sprintf("Paged %02d", i), Goal: "g", Tags: []string{"paged"}}); err != nil {
			t.Fatal(err)
		}
	}
	c := e.login("max@example.com")
	first := c.get("/projects/" + p.ID.String() + "/tests?tag=paged")
	if n := strings.Count(first.Body, `aria-label="Run Paged`); n != store.DefaultPageSize {
		t.Fatalf("first page shows %d tests", n)
	}
	i := strings.Index(first.Body, `?cursor=`)
	if i < 0 {
		t.Fatal("no next page link")
	}
	href, _, _ := strings.Cut(first.Body[i:], `"`)
	href = strings.ReplaceAll(href, "&amp;", "&")
	if !strings.Contains(href, "tag=paged") {
		t.Fatalf("next link drops the filter: %s", href)
	}
	second := c.get("/projects/" + p.ID.String() + "/tests" + href)
	if n := strings.Count(second.Body, `aria-label="Run Paged`); n != 4 || strings.Contains(second.Body, "?cursor=") || !strings.Contains(second.Body, "First page") {
		t.Fatalf("second page shows %d tests", n)
	}
	if r := c.get("/projects/" + p.ID.String() + "/tests?cursor=garbage"); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad cursor: %d", r.StatusCode)
	}
}
