package web

import (
	"net/http"

	"github.com/argusqa/argus/store"
)

type deliveryData struct {
	Endpoint   *store.WebhookEndpoint
	Deliveries []store.WebhookDelivery
	// CanRedeliver is set when Config.Redeliver is.
	CanRedeliver bool
	Flash        string
}

// deliveryList is the webhook delivery log: every attempt, newest first,
// with the receiver's status, latency and the start of its answer.
func (u *UI) deliveryList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	p, err := u.project(r, v)
	if err != nil {
		return err
	}
	ep, err := u.store.WebhookEndpoint(r.Context(), v.TenantID, p.ID)
	if err != nil {
		return err
	}
	ds, err := u.store.ListDeliveries(r.Context(), v.TenantID, p.ID, 100)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "deliveries", page{Title: "Webhook deliveries · " + p.Name, V: v, Project: p, Nav: "settings", Data: deliveryData{Endpoint: ep, Deliveries: ds,
		CanRedeliver: u.cfg.Redeliver != nil, Flash: map[string]string{"redelivered": "Queued for delivery again; it shows here once attempted."}[r.URL.Query().Get("done")]}})
	return nil
}
