package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// testRun starts a run of one test. The form carries a nonce made when the
// page was rendered; it becomes the run's idempotency key, so a double
// click or a resubmitted form returns the run the first submit started.
func (u *UI) testRun(w http.ResponseWriter, r *http.Request, v *viewer) error {
	t, _, err := u.loadTest(r, v)
	if err != nil {
		return err
	}
	run, err := u.startRun(r.Context(), v, t.ProjectID, []uuid.UUID{t.ID}, r.PostFormValue("nonce"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/runs/"+run.ID.String(), http.StatusSeeOther)
	return nil
}

func (u *UI) startRun(ctx context.Context, v *viewer, project uuid.UUID, tests []uuid.UUID, formNonce string) (*store.Run, error) {
	in := store.RunInput{ProjectID: project, Trigger: store.TriggerUI, CreatedByUser: &v.UserID, TestIDs: tests}
	if formNonce = strings.TrimSpace(formNonce); formNonce != "" {
		if len(formNonce) > 64 {
			return nil, badRequest("The form is damaged; reload the page and try again.")
		}
		ids := make([]string, len(tests))
		for i, id := range tests {
			ids[i] = id.String()
		}
		sum := sha256.Sum256([]byte(project.String() + ":" + strings.Join(ids, ",")))
		// The person's id scopes the key, so two people's nonces never meet.
		in.IdempotencyKey = "ui:" + v.UserID.String() + ":" + formNonce
		in.RequestHash = hex.EncodeToString(sum[:])
	}
	run, _, _, err := u.store.CreateRun(ctx, v.TenantID, in, u.cfg.Scheduler.Enqueue)
	return run, err
}
