package seal

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return key
}

func TestRoundTrip(t *testing.T) {
	k, err := NewKeyring("k1", newKey(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	aad := []byte("tenant-a/secret/password")
	for _, plain := range [][]byte{[]byte("hunter2"), {}, bytes.Repeat([]byte("x"), 10_000)} {
		s, err := k.Seal(plain, aad)
		if err != nil {
			t.Fatal(err)
		}
		if s.KeyID != "k1" || len(s.Nonce) != NonceSize {
			t.Fatalf("sealed with key %q nonce %d bytes", s.KeyID, len(s.Nonce))
		}
		if len(plain) > 0 && bytes.Contains(s.Ciphertext, plain) {
			t.Fatal("ciphertext contains the plaintext")
		}
		got, err := k.Open(s, aad)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain) {
			t.Fatalf("round trip changed the value")
		}
	}
}

func TestNoncesDiffer(t *testing.T) {
	k, _ := NewKeyring("k1", newKey(t), nil)
	seen := map[string]bool{}
	for range 1000 {
		s, err := k.Seal([]byte("same value"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if seen[string(s.Nonce)] {
			t.Fatal("nonce repeated")
		}
		seen[string(s.Nonce)] = true
	}
	a, _ := k.Seal([]byte("same value"), nil)
	b, _ := k.Seal([]byte("same value"), nil)
	if bytes.Equal(a.Ciphertext, b.Ciphertext) {
		t.Fatal("two encryptions of the same value are identical")
	}
}

func TestTamperedAndWrongKeyRejected(t *testing.T) {
	k, _ := NewKeyring("k1", newKey(t), nil)
	s, _ := k.Seal([]byte("hunter2"), []byte("aad"))

	for i := range s.Ciphertext {
		tampered := s
		tampered.Ciphertext = bytes.Clone(s.Ciphertext)
		tampered.Ciphertext[i] ^= 0x01
		if _, err := k.Open(tampered, []byte("aad")); !errors.Is(err, ErrOpen) {
			t.Fatalf("flipped byte %d: got %v, want ErrOpen", i, err)
		}
	}
	badNonce := s
	badNonce.Nonce = bytes.Clone(s.Nonce)
	badNonce.Nonce[0] ^= 0xff
	if _, err := k.Open(badNonce, []byte("aad")); !errors.Is(err, ErrOpen) {
		t.Fatalf("tampered nonce: got %v", err)
	}
	if _, err := k.Open(s, []byte("other row")); !errors.Is(err, ErrOpen) {
		t.Fatalf("moved ciphertext: got %v", err)
	}
	short := s
	short.Nonce = s.Nonce[:8]
	if _, err := k.Open(short, []byte("aad")); !errors.Is(err, ErrOpen) {
		t.Fatalf("short nonce: got %v", err)
	}

	other, _ := NewKeyring("k1", newKey(t), nil)
	if _, err := other.Open(s, []byte("aad")); !errors.Is(err, ErrOpen) {
		t.Fatalf("wrong key: got %v, want ErrOpen", err)
	}
	unknown, _ := NewKeyring("k9", newKey(t), nil)
	if _, err := unknown.Open(s, []byte("aad")); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("unknown key id: got %v, want ErrUnknownKey", err)
	}
}

func TestRotation(t *testing.T) {
	oldKey := newKey(t)
	before, _ := NewKeyring("k1", oldKey, nil)
	s, _ := before.Seal([]byte("hunter2"), nil)

	after, err := NewKeyring("k2", newKey(t), map[string][]byte{"k1": oldKey})
	if err != nil {
		t.Fatal(err)
	}
	if !after.NeedsReseal(s) {
		t.Fatal("value sealed with a retired key should need resealing")
	}
	got, err := after.Open(s, nil)
	if err != nil || string(got) != "hunter2" {
		t.Fatalf("open with retired key: %q, %v", got, err)
	}
	fresh, _ := after.Seal(got, nil)
	if fresh.KeyID != "k2" || after.NeedsReseal(fresh) {
		t.Fatalf("resealed with %q", fresh.KeyID)
	}
}

func TestBadKeys(t *testing.T) {
	if _, err := NewKeyring("k1", make([]byte, 16), nil); err == nil {
		t.Fatal("16-byte key accepted")
	}
	if _, err := NewKeyring("", newKey(t), nil); err == nil {
		t.Fatal("empty key id accepted")
	}
	if _, err := NewKeyring("k1", newKey(t), map[string][]byte{"k1": newKey(t)}); err == nil {
		t.Fatal("retired key with the current id accepted")
	}
}
