package storage

import (
	"errors"
	"io"
	"testing"
)

func TestLocalPutGetDeletePrefix(t *testing.T) {
	ctx := t.Context()
	b, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"t1/agents/a1/1/000.png", "t1/agents/a10/1/000.png", "t2/agents/a1/1/000.png"} {
		if err := b.Put(ctx, k, []byte(k), "image/png"); err != nil {
			t.Fatal(err)
		}
	}
	r, err := b.Get(ctx, "t1/agents/a1/1/000.png")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if string(got) != "t1/agents/a1/1/000.png" {
		t.Fatalf("got %q", got)
	}
	if err := b.DeletePrefix(ctx, AgentPrefix("t1", "a1")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, "t1/agents/a1/1/000.png"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted blob: %v", err)
	}
	for _, k := range []string{"t1/agents/a10/1/000.png", "t2/agents/a1/1/000.png"} {
		r, err := b.Get(ctx, k)
		if err != nil {
			t.Fatalf("%s was deleted with another prefix: %v", k, err)
		}
		r.Close()
	}
}

func TestKeysAreChecked(t *testing.T) {
	b, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"", "../etc/passwd", "a//b", "a/./b", "/abs", `a\b`} {
		if err := b.Put(t.Context(), k, nil, ""); err == nil {
			t.Errorf("key %q accepted", k)
		}
	}
	if err := b.DeletePrefix(t.Context(), "t1"); err == nil {
		t.Error("prefix without trailing slash accepted")
	}
}
