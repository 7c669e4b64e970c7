package web

import (
	"net/http"

	"github.com/google/uuid"
)

// deliveryRedeliver queues a recorded event for delivery again (same body
// and event id, current URL and secrets), through Config.Redeliver.
func (u *UI) deliveryRedeliver(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if u.cfg.Redeliver == nil {
		return notFound("page")
	}
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	id, err := uuid.Parse(r.PathValue("delivery"))
	if err != nil {
		return notFound("delivery")
	}
	d, err := u.store.GetDelivery(r.Context(), v.TenantID, id)
	if err != nil {
		return err
	}
	if d.ProjectID != p.ID {
		return notFound("delivery")
	}
	ep, err := u.store.WebhookEndpoint(r.Context(), v.TenantID, p.ID)
	if err != nil {
		return err
	}
	if ep.DisabledAt != nil {
		return badRequest("Deliveries to this endpoint are switched off (" + ep.DisabledReason + "). Save the webhook settings to switch them on, then redeliver.")
	}
	if ep.URL == "" {
		return badRequest("This project has no webhook URL; set one in the settings first.")
	}
	if err := u.cfg.Redeliver(r.Context(), v.TenantID, d.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+p.ID.String()+"/deliveries?done=redelivered", http.StatusSeeOther)
	return nil
}
