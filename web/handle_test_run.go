package web

import "net/http"

// testRun starts a run of one test. The form carries a nonce made when the
// page was rendered; it becomes the run's idempotency key, so a double
// click or a resubmitted form returns the run the first submit started.
func (u *UI) testRun(w http.ResponseWriter, r *http.Request, v *viewer) error {
	t, _, err := u.loadTest(r, v)
	if err != nil {
		return err
	}
	return u.startRun(w, r, v, runSelection{project: t.ProjectID, tests: []string{t.ID.String()}})
}
