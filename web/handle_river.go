package web

import "net/http"

// riverUICSP is the page policy of River's UI: the UI's own, except that
// the bundled single-page application sets inline styles (positioning,
// transitions), which the rest of the UI never needs.
const riverUICSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// riverUI serves River's operator UI to the operator's administrators;
// an admin of any other tenant gets the 403 page (the queue holds every
// tenant's jobs).
func (u *UI) riverUI(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if err := u.app.RequireOperator(r.Context(), v.p); err != nil {
		return err
	}
	w.Header().Set("Content-Security-Policy", riverUICSP)
	u.cfg.RiverUI.ServeHTTP(w, r)
	return nil
}
