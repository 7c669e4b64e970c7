package store_test

import (
	"errors"
	"testing"

	"github.com/argusqa/argus/store"
)

func TestSyncTests(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	w := makeWorld(t, s, "sync")
	ctx := t.Context()
	tenant, project := w.tenant.ID, w.project.ID

	changes, err := s.SyncTests(ctx, tenant, project, []store.TestInput{
		{Name: w.test.Name, Goal: "buy a thing", Tags: []string{"SMOKE "}}, // as stored, after normalising
		{Name: "Sign up", Goal: "make an account"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[0].Change != store.TestUnchanged || changes[1].Change != store.TestCreated {
		t.Fatalf("first sync: %+v", changes)
	}
	if changes[0].Test.ID != w.test.ID {
		t.Errorf("unchanged test has another id")
	}

	changes, err = s.SyncTests(ctx, tenant, project, []store.TestInput{{Name: "Sign up", Goal: "make an account and log in"}})
	if err != nil || len(changes) != 1 || changes[0].Change != store.TestUpdated || changes[0].Test.Goal != "make an account and log in" {
		t.Fatalf("update: %+v %v", changes, err)
	}

	// A failure in the middle writes nothing: the first test would be
	// created, the second fails in the database (NUL is not text).
	_, err = s.SyncTests(ctx, tenant, project, []store.TestInput{
		{Name: "Would be created", Goal: "x"},
		{Name: "Sign up", Goal: "bad \x00 byte"},
	})
	if err == nil {
		t.Fatal("a NUL goal was stored")
	}
	for tt, err := range s.AllTests(ctx, tenant, store.TestFilter{ProjectID: &project}) {
		if err != nil {
			t.Fatal(err)
		}
		if tt.Name == "Would be created" {
			t.Fatal("a failed sync left a test behind")
		}
		if tt.Name == "Sign up" && tt.Goal != "make an account and log in" {
			t.Fatalf("a failed sync changed a test: %q", tt.Goal)
		}
	}

	_, err = s.SyncTests(ctx, tenant, project, []store.TestInput{{Name: "Twice", Goal: "x"}, {Name: "Twice", Goal: "y"}})
	var se *store.Error
	if !errors.As(err, &se) || !errors.Is(err, store.ErrConflict) || se.Field != "name" {
		t.Fatalf("duplicate names: %v", err)
	}
	_, err = s.SyncTests(ctx, tenant, project, []store.TestInput{{Name: "No goal"}})
	if !errors.As(err, &se) || !errors.Is(err, store.ErrInvalid) || se.Field != "goal" || se.Detail != "a test needs a goal or steps" {
		t.Fatalf("invalid input: %#v", err)
	}
}

func TestErrorsNameTheirField(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	w := makeWorld(t, s, "fields")
	ctx := t.Context()
	_, err := s.CreateProject(ctx, w.tenant.ID, store.ProjectInput{Name: "Shop", BaseURL: "https://x.example.com"})
	var se *store.Error
	if !errors.As(err, &se) || !errors.Is(err, store.ErrConflict) || se.Field != "name" || se.Detail != "another project has this name" {
		t.Fatalf("duplicate project: %#v", err)
	}
	_, err = s.CreateProject(ctx, w.tenant.ID, store.ProjectInput{Name: "Other", BaseURL: "ftp://x"})
	if !errors.As(err, &se) || se.Field != "base_url" {
		t.Fatalf("bad base URL: %#v", err)
	}
	if se.Error() != `create project: invalid: base URL "ftp://x" must be an absolute http(s) URL such as https://app.example.com` {
		t.Errorf("text for logs: %q", se.Error())
	}
	_, err = s.CreateAPIKey(ctx, w.tenant.ID, store.NewAPIKey{})
	if !errors.As(err, &se) || se.Field != "name" || se.Detail != "name is required" {
		t.Fatalf("api key: %#v", err)
	}
}
