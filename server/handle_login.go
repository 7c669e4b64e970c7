package server

import (
	"net"
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// login checks a person's password and starts a session in one of their
// tenants; failed attempts count toward the one sign-in limit.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var req api.Login
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	in, err := s.app.SignIn(r.Context(), app.SignInInput{Email: req.Email, Password: req.Password, Tenant: req.Tenant, ClientIP: clientIP(r)})
	if err != nil {
		return err
	}
	http.SetCookie(w, s.app.SessionCookie(in.Session))
	writeJSON(w, http.StatusOK, api.SignedIn{User: app.UserView(in.User), Tenant: app.TenantView(in.Tenant), Role: string(in.Role)})
	return nil
}

// clientIP is the peer address. Behind a proxy put a limit there too,
// since X-Forwarded-For can be forged by anyone who reaches the server
// directly.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
