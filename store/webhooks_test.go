package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/argusqa/argus/store"
)

func TestWebhookRotationAndDisable(t *testing.T) {
	ctx := t.Context()
	s := newStore(t)
	tenant, err := s.CreateTenant(ctx, "Hooks", "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateTenant(ctx, "Others", "")
	if err != nil {
		t.Fatal(err)
	}
	in := store.ProjectInput{Name: "Shop", BaseURL: "https://shop.example.com", WebhookURL: "https://hooks.example.com/a"}
	p, err := s.CreateProject(ctx, tenant.ID, in)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := s.WebhookSigningSecrets(ctx, tenant.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("secrets before any was set: %v, want ErrNotFound", err)
	}
	// The first rotation has nothing to keep.
	if err := s.RotateWebhookSecret(ctx, tenant.ID, p.ID, "first", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := s.WebhookSigningSecrets(ctx, tenant.ID, p.ID)
	if err != nil || !slices.Equal(got, []string{"first"}) {
		t.Fatalf("after first secret: %q, %v", got, err)
	}
	e, err := s.WebhookEndpoint(ctx, tenant.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !e.HasSecret || e.RotationEndsAt != nil || e.URL != in.WebhookURL || e.ProjectName != "Shop" {
		t.Fatalf("endpoint after first secret: %+v", e)
	}

	// A rotation keeps the old secret for the window, newest first.
	if err := s.RotateWebhookSecret(ctx, tenant.ID, p.ID, "second", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err = s.WebhookSigningSecrets(ctx, tenant.ID, p.ID)
	if err != nil || !slices.Equal(got, []string{"second", "first"}) {
		t.Fatalf("during rotation: %q, %v", got, err)
	}
	if e, _ = s.WebhookEndpoint(ctx, tenant.ID, p.ID); e.RotationEndsAt == nil || time.Until(*e.RotationEndsAt) < 23*time.Hour {
		t.Fatalf("rotation end: %+v", e.RotationEndsAt)
	}
	// The existing single-secret accessor sees the current secret.
	if cur, err := s.WebhookSecret(ctx, tenant.ID, p.ID); err != nil || cur != "second" {
		t.Fatalf("WebhookSecret = %q, %v", cur, err)
	}

	// A window that has passed no longer signs: the next transaction
	// starts after a microsecond has gone by.
	if err := s.RotateWebhookSecret(ctx, tenant.ID, p.ID, "third", time.Microsecond); err != nil {
		t.Fatal(err)
	}
	got, err = s.WebhookSigningSecrets(ctx, tenant.ID, p.ID)
	if err != nil || !slices.Equal(got, []string{"third"}) {
		t.Fatalf("after the window: %q, %v", got, err)
	}
	// Overlap 0 retires the old secret at once.
	if err := s.RotateWebhookSecret(ctx, tenant.ID, p.ID, "fourth", 0); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.WebhookSigningSecrets(ctx, tenant.ID, p.ID); !slices.Equal(got, []string{"fourth"}) {
		t.Fatalf("without overlap: %q", got)
	}

	// Another tenant can neither read nor change the endpoint.
	if _, err := s.WebhookSigningSecrets(ctx, other.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant read secrets: %v", err)
	}
	if err := s.RotateWebhookSecret(ctx, other.ID, p.ID, "evil", time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant rotated: %v", err)
	}
	if err := s.DisableWebhook(ctx, other.ID, p.ID, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant disabled: %v", err)
	}
	if _, err := s.WebhookEndpoint(ctx, other.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant read endpoint: %v", err)
	}

	// Disable keeps the first reason; a new URL enables again.
	if err := s.DisableWebhook(ctx, tenant.ID, p.ID, "receiver answered 410 Gone"); err != nil {
		t.Fatal(err)
	}
	if err := s.DisableWebhook(ctx, tenant.ID, p.ID, "second reason"); err != nil {
		t.Fatal(err)
	}
	e, _ = s.WebhookEndpoint(ctx, tenant.ID, p.ID)
	if e.DisabledAt == nil || e.DisabledReason != "receiver answered 410 Gone" {
		t.Fatalf("disabled: %+v", e)
	}
	in.Name = "Shop 2" // same URL: stays disabled
	if _, err := s.UpdateProject(ctx, tenant.ID, p.ID, in); err != nil {
		t.Fatal(err)
	}
	if e, _ = s.WebhookEndpoint(ctx, tenant.ID, p.ID); e.DisabledAt == nil {
		t.Fatal("an edit that kept the URL enabled the endpoint")
	}
	in.WebhookURL = "https://hooks.example.com/b"
	if _, err := s.UpdateProject(ctx, tenant.ID, p.ID, in); err != nil {
		t.Fatal(err)
	}
	if e, _ = s.WebhookEndpoint(ctx, tenant.ID, p.ID); e.DisabledAt != nil || e.DisabledReason != "" {
		t.Fatalf("new URL left the endpoint disabled: %+v", e)
	}
	if err := s.DisableWebhook(ctx, tenant.ID, p.ID, string([]byte{0xff, 0, 'x'})); err != nil {
		t.Fatalf("reason with invalid UTF-8 and NUL: %v", err)
	}
	if err := s.EnableWebhook(ctx, tenant.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	if e, _ = s.WebhookEndpoint(ctx, tenant.ID, p.ID); e.DisabledAt != nil {
		t.Fatal("EnableWebhook left it disabled")
	}
}
