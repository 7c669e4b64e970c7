package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/store"
)

// pathID parses the {id} of a route; a malformed one is a 404, like an id of
// another tenant.
func pathID(r *http.Request, what string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return uuid.Nil, notFound(what)
	}
	return id, nil
}

func (u *UI) project(r *http.Request, v *viewer) (*store.Project, error) {
	id, err := pathID(r, "project")
	if err != nil {
		return nil, err
	}
	return u.app.GetProject(r.Context(), v.p, id)
}

// splitList reads a textarea or comma list: one item per line (or comma),
// blank items dropped.
func splitList(s string, commas bool) []string {
	f := func(r rune) bool { return r == '\n' || r == '\r' || (commas && r == ',') }
	var out []string
	for _, p := range strings.FieldsFunc(s, f) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// nonce is a random token for forms whose double submission must not act
// twice (the Run button's idempotency key).
func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
