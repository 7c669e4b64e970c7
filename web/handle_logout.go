package web

import "net/http"

// logout ends the session in the database, so the cookie stops working for
// the API too, and clears it.
func (u *UI) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := u.app.SignOut(r.Context(), c.Value); err != nil {
			u.fail(w, r, nil, err)
			return
		}
	}
	http.SetCookie(w, u.app.ClearSessionCookie())
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
