package web

import (
	"net/http"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

type deliveryData struct {
	Endpoint   *store.WebhookEndpoint
	Deliveries []store.WebhookDelivery
	// Next is the cursor of the next page, empty on the last one.
	Next string
	// CanRedeliver is set when this server can queue deliveries.
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
	ep, err := u.app.WebhookEndpoint(r.Context(), v.p, p.ID)
	if err != nil {
		return err
	}
	ds, next, err := u.app.ListDeliveries(r.Context(), v.p, p.ID, app.PageRequest{Cursor: r.URL.Query().Get("cursor"), Limit: "100"})
	if err != nil {
		return err
	}
	d := deliveryData{Endpoint: ep, Deliveries: ds, CanRedeliver: u.app.CanRedeliver(),
		Flash: map[string]string{"redelivered": "Queued for delivery again; it shows here once attempted."}[r.URL.Query().Get("done")]}
	if next != nil {
		d.Next = next.String()
	}
	u.render(w, r, http.StatusOK, "deliveries", page{Title: "Webhook deliveries · " + p.Name, V: v, Project: p, Nav: "settings", Data: d})
	return nil
}
