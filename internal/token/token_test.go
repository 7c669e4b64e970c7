package token

import (
	"errors"
	"strings"
	"testing"
)

func TestAPIKey(t *testing.T) {
	k, err := NewAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.Plaintext, "argus_") || len(k.Plaintext) != len("argus_")+52 {
		t.Fatalf("unexpected key form %q", k.Plaintext)
	}
	if k.DisplayPrefix != k.Plaintext[:12] || len(k.Hash) != 64 {
		t.Fatalf("prefix %q hash %q", k.DisplayPrefix, k.Hash)
	}
	h, err := ParseAPIKey(k.Plaintext)
	if err != nil || h != k.Hash {
		t.Fatalf("parse own key: %v", err)
	}
	k2, _ := NewAPIKey()
	if k2.Plaintext == k.Plaintext {
		t.Fatal("two keys are equal")
	}
	for _, bad := range []string{"", "argus_", "argus_short", "sk_" + k.Plaintext[6:], k.Plaintext + "a", strings.ToUpper(k.Plaintext)} {
		if _, err := ParseAPIKey(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseAPIKey(%q) = %v, want ErrMalformed", bad, err)
		}
	}
}

func TestOpaque(t *testing.T) {
	o, err := NewOpaque()
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Plaintext) != 64 || o.Hash != Hash(o.Plaintext) || o.Hash == o.Plaintext {
		t.Fatalf("bad opaque token %+v", o)
	}
	if h, err := ParseOpaque(o.Plaintext); err != nil || h != o.Hash {
		t.Fatalf("parse: %v", err)
	}
	for _, bad := range []string{"", "zz", o.Plaintext[:62], o.Plaintext + "00"} {
		if _, err := ParseOpaque(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseOpaque(%q) = %v", bad, err)
		}
	}
}

func FuzzParseAPIKey(f *testing.F) {
	k, _ := NewAPIKey()
	f.Add(k.Plaintext)
	f.Add("argus_")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseAPIKey(s)
		if err == nil && h != Hash(s) {
			t.Fatal("hash mismatch")
		}
	})
}
