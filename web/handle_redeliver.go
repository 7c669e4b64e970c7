package web

import (
	"net/http"

	"github.com/google/uuid"
)

// deliveryRedeliver queues a recorded event for delivery again (same body
// and event id, current URL and secrets).
func (u *UI) deliveryRedeliver(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	id, err := uuid.Parse(r.PathValue("delivery"))
	if err != nil {
		return notFound("delivery")
	}
	if err := u.app.Redeliver(r.Context(), v.p, p.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+p.ID.String()+"/deliveries?done=redelivered", http.StatusSeeOther)
	return nil
}
