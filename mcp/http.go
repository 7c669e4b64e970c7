package mcp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/argusqa/argus/app"
)

// principalKey is the TokenInfo.Extra key of the authenticated principal.
const principalKey = "argus.principal"

// HTTPHandler serves the tools over streamable HTTP. Every request must
// carry an API key as Authorization: Bearer; it is authenticated with
// app.AuthenticateKey on each request (a revoked key stops working at
// once), and the tools act as its principal. A session is bound to the key
// that opened it. Cookies are not accepted: a browser page cannot drive
// the tools on a person's behalf.
func HTTPHandler(a *app.App, cfg Config) (http.Handler, error) {
	if a == nil {
		return nil, errors.New("mcp: HTTPHandler needs an App")
	}
	cfg.Backend = func(_ context.Context, req *sdk.CallToolRequest) (Backend, error) {
		p := principalOf(req)
		if p == nil {
			return nil, errors.New("mcp: the request carries no authenticated key")
		}
		return NewAppBackend(a, p), nil
	}
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	h := sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s }, &sdk.StreamableHTTPOptions{Logger: cfg.WithDefaults().Logger})
	verify := func(ctx context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		p, err := a.AuthenticateKey(ctx, token)
		if err != nil {
			if app.IsUnauthenticated(err) {
				return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
			}
			return nil, err
		}
		return &auth.TokenInfo{UserID: p.KeyID.String(), Extra: map[string]any{principalKey: p}}, nil
	}
	protected := auth.RequireBearerToken(verify, &auth.RequireBearerTokenOptions{AllowMissingExpiration: true})(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A run_tests call answers when its run ends, and the GET stream
		// lives as long as the session: neither fits the API's 5-minute
		// write timeout. Each request is still bounded by its client.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		protected.ServeHTTP(w, r)
	}), nil
}

func principalOf(req *sdk.CallToolRequest) *app.Principal {
	if req == nil || req.Extra == nil || req.Extra.TokenInfo == nil {
		return nil
	}
	p, _ := req.Extra.TokenInfo.Extra[principalKey].(*app.Principal)
	return p
}
