// Package seal encrypts stored credentials with AES-256-GCM.
//
// Each ciphertext is stored with the id of the key that made it and its
// 12-byte random nonce, so keys can be rotated: new values are sealed with
// the current key, old values still open with a retired key until they are
// re-sealed. Additional data binds a ciphertext to its owner (for example
// tenant and secret name), so a ciphertext copied into another row does not
// open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// NonceSize is the GCM nonce length in bytes.
const NonceSize = 12

// KeySize is the AES-256 key length in bytes.
const KeySize = 32

// ErrOpen is returned when a ciphertext cannot be opened: it was tampered
// with, bound to other additional data, or sealed with another key.
var ErrOpen = errors.New("seal: ciphertext does not open with this key (tampered, moved, or wrong key)")

// ErrUnknownKey is returned when a ciphertext names a key the keyring does
// not hold.
var ErrUnknownKey = errors.New("seal: unknown key id")

// Sealed is an encrypted value as stored in the database.
type Sealed struct {
	KeyID      string
	Nonce      []byte
	Ciphertext []byte
}

// Keyring holds the current key and any retired keys still accepted for
// opening. It is safe for concurrent use.
type Keyring struct {
	currentID string
	aeads     map[string]cipher.AEAD
}

// NewKeyring returns a keyring that seals with key (named id) and opens with
// key or any of old.
func NewKeyring(id string, key []byte, old map[string][]byte) (*Keyring, error) {
	k := &Keyring{currentID: id, aeads: map[string]cipher.AEAD{}}
	if err := k.add(id, key); err != nil {
		return nil, err
	}
	for oldID, oldKey := range old {
		if oldID == id {
			return nil, fmt.Errorf("seal: retired key id %q is also the current key id", oldID)
		}
		if err := k.add(oldID, oldKey); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (k *Keyring) add(id string, key []byte) error {
	if id == "" {
		return errors.New("seal: key id must not be empty")
	}
	if len(key) != KeySize {
		return fmt.Errorf("seal: key %q is %d bytes, want %d", id, len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return fmt.Errorf("seal: key %q: %w", id, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return fmt.Errorf("seal: key %q: %w", id, err)
	}
	k.aeads[id] = aead
	return nil
}

// CurrentKeyID is the id new values are sealed with.
func (k *Keyring) CurrentKeyID() string { return k.currentID }

// Seal encrypts plaintext with the current key and a fresh random nonce.
// additionalData is authenticated but not encrypted; the same bytes must be
// given to Open.
func (k *Keyring) Seal(plaintext, additionalData []byte) (Sealed, error) {
	nonce := make([]byte, NonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return Sealed{}, fmt.Errorf("seal: nonce: %w", err)
	}
	aead := k.aeads[k.currentID]
	return Sealed{
		KeyID:      k.currentID,
		Nonce:      nonce,
		Ciphertext: aead.Seal(nil, nonce, plaintext, additionalData),
	}, nil
}

// Open decrypts s. It never returns garbage: any mismatch yields ErrOpen or
// ErrUnknownKey.
func (k *Keyring) Open(s Sealed, additionalData []byte) ([]byte, error) {
	aead, ok := k.aeads[s.KeyID]
	if !ok {
		return nil, fmt.Errorf("%w %q: add it to ARGUS_OLD_SECRET_KEYS to open values sealed with it", ErrUnknownKey, s.KeyID)
	}
	if len(s.Nonce) != NonceSize {
		return nil, fmt.Errorf("%w: nonce is %d bytes, want %d", ErrOpen, len(s.Nonce), NonceSize)
	}
	plain, err := aead.Open(nil, s.Nonce, s.Ciphertext, additionalData)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// NeedsReseal reports whether s was sealed with a retired key.
func (k *Keyring) NeedsReseal(s Sealed) bool { return s.KeyID != k.currentID }
