package store_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/argusqa/argus/store"
)

func TestReplayRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := newStore(t)
	w := makeWorld(t, s, "acme")
	T := w.tenant.ID
	tt, err := s.CreateTest(ctx, T, w.project.ID, store.TestInput{Name: "Sign up", Goal: "sign up"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetReplay(ctx, T, tt.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no replay yet: %v", err)
	}
	key1, key2 := strings.Repeat("a", 64), strings.Repeat("b", 64)
	first, err := s.PutReplay(ctx, T, tt.ID, key1, []byte(`{"version":1,"steps":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.PutReplay(ctx, T, tt.ID, key2, []byte(`{"version":1,"steps":[{"step":"click \"Buy\""}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetReplay(ctx, T, tt.ID)
	if err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Steps []map[string]string `json:"steps"`
	}
	if err := json.Unmarshal(got.Data, &decoded); err != nil {
		t.Fatal(err)
	}
	if got.Key != key2 || len(decoded.Steps) != 1 || decoded.Steps[0]["step"] != `click "Buy"` {
		t.Fatalf("replay after replacing: %+v %s", got, got.Data)
	}
	if !got.CreatedAt.Equal(first.CreatedAt) || got.UpdatedAt.Before(second.CreatedAt) {
		t.Fatalf("timestamps: first %v, got created %v updated %v", first.CreatedAt, got.CreatedAt, got.UpdatedAt)
	}

	for name, call := range map[string]func() error{
		"bad key":  func() error { _, err := s.PutReplay(ctx, T, tt.ID, "abc", []byte(`{}`)); return err },
		"not JSON": func() error { _, err := s.PutReplay(ctx, T, tt.ID, key1, []byte(`{`)); return err },
		"array":    func() error { _, err := s.PutReplay(ctx, T, tt.ID, key1, []byte(`[]`)); return err },
		"too big": func() error {
			_, err := s.PutReplay(ctx, T, tt.ID, key1, []byte(`"`+strings.Repeat("x", store.MaxReplayBytes)+`"`))
			return err
		},
	} {
		if err := call(); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: want ErrInvalid, got %v", name, err)
		}
	}

	// Deleting the test deletes its replay.
	if err := s.DeleteTest(ctx, T, tt.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM replays WHERE test_id = $1`, tt.ID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("replays left after deleting the test: %d %v", n, err)
	}
}
