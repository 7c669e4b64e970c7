package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/jobs"
	"github.com/argusqa/argus/store"
)

// TestPersonaMailboxOutsideTheProject: a test that reads the mail of a
// persona whose address is not in the project's test mailbox ends in
// error before a browser starts, saying which address to give it; the
// same persona in a test that reads no mail runs.
func TestPersonaMailboxOutsideTheProject(t *testing.T) {
	f := newFixture(t, "http://127.0.0.1:9")
	ctx := context.Background()
	if _, err := f.store.PutPersona(ctx, f.tenant.ID, f.project.ID, "buyer", store.PersonaInput{Email: "berta@gmail.example"}); err != nil {
		t.Fatal(err)
	}
	reads := f.test("Reads the buyer's mail", store.TestInput{StartURL: "/", Persona: "buyer", Steps: []string{`expect email to "{{email.address}}"`}})
	plain := f.test("Signs in as the buyer", store.TestInput{StartURL: "/", Persona: "buyer", Steps: []string{`expect title "Shop"`}})
	browsers := &fakeProvider{started: make(chan string, 4)}
	j := f.newJobs(jobs.Config{Browser: browsers})
	done := subscribe(j)
	_, agents := f.run(j, reads, plain)
	start(t, j)
	finished(t, done, 2, 60*time.Second)

	label, err := f.store.ProjectMailLabel(ctx, f.tenant.ID, f.project.ID)
	if err != nil {
		t.Fatal(err)
	}
	a := f.agent(agents[0].ID)
	if a.Status != store.StatusError || a.ErrorReason != jobs.ReasonSetup || !strings.Contains(a.Summary, "@"+label+".mail.argus.test") {
		t.Errorf("reading an outside persona's mail: %s (%s) %q", a.Status, a.ErrorReason, a.Summary)
	}
	if got := browsers.acquires.Load(); got != 1 {
		t.Errorf("%d browsers started, want 1 (only the test that reads no mail)", got)
	}
}
