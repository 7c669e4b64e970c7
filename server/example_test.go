package server_test

import (
	"fmt"
	"net/http"

	"github.com/argusqa/argus/server"
)

// A page of the web UI, or any extra endpoint, mounts through Handle and
// gets the same authentication, role check, cross-origin protection and
// compression as the API; the handler reads the caller with PrincipalFrom.
func ExampleServer_Handle() {
	var srv *server.Server // from server.New
	if srv == nil {
		return
	}
	_ = srv.Handle(server.Route{
		Method: "GET", Pattern: "/settings/keys", Access: server.Admin,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, _ := server.PrincipalFrom(r.Context())
			fmt.Fprintf(w, "keys of tenant %s (you are %s)", p.TenantID, p.Role)
		}),
	})
}
