package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/argusqa/argus/store"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// Tenant is a tenant's slug or id; optional when the person belongs
	// to only one (with several, the first by name is chosen).
	Tenant string `json:"tenant"`
}

type loginResponse struct {
	User   *userView  `json:"user"`
	Tenant tenantView `json:"tenant"`
	Role   string     `json:"role"`
}

// login checks a person's password and starts a session in one of their
// tenants. Failed attempts are limited per client address and email.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	var fields []FieldError
	if strings.TrimSpace(req.Email) == "" {
		fields = append(fields, FieldError{"email", "required"})
	}
	if req.Password == "" {
		fields = append(fields, FieldError{"password", "required"})
	}
	if len(fields) > 0 {
		s.fail(w, r, invalid("email and password are required", fields...))
		return
	}
	key := limitKey(r, req.Email)
	if ok, retry := s.logins.allow(key); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(retry.Seconds())+1))
		s.fail(w, r, problem(http.StatusTooManyRequests, "too many failed sign-ins for this account from this address; try again later"))
		return
	}
	refused := problem(http.StatusUnauthorized, "wrong email or password")
	u, err := s.store.Authenticate(r.Context(), req.Email, req.Password)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		s.fail(w, r, refused)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	tenant, role, err := s.loginTenant(r, u, req.Tenant)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sess, err := s.store.CreateSession(r.Context(), u.ID, tenant.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.logins.reset(key)
	s.setSessionCookie(w, sess)
	writeJSON(w, http.StatusOK, loginResponse{User: viewUser(u), Tenant: viewTenant(tenant), Role: string(role)})
}

// loginTenant picks the tenant of a new session. Naming a tenant the
// person does not belong to is refused like a wrong password, so tenants
// cannot be discovered through the login form.
func (s *Server) loginTenant(r *http.Request, u *store.User, ref string) (*store.Tenant, store.Role, error) {
	refused := problem(http.StatusUnauthorized, "wrong email or password, or no access to that tenant")
	ms, err := s.store.UserMemberships(r.Context(), u.ID)
	if err != nil {
		return nil, "", err
	}
	ref = strings.TrimSpace(ref)
	for _, m := range ms {
		if ref == "" || strings.EqualFold(ref, m.Tenant.Slug) || ref == m.Tenant.ID.String() {
			return &m.Tenant, m.Role, nil
		}
	}
	return nil, "", refused
}
