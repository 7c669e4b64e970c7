// Package token makes and hashes the bearer credentials Argus hands out:
// API keys, session tokens, password-reset tokens and OAuth states.
//
// Each is 32 bytes from crypto/rand. Only the SHA-256 hash, hex-encoded, is
// stored; the plaintext is shown once and then forgotten, and lookups go by
// hash.
package token

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"
)

// APIKeyPrefix starts every API key, so leaked keys are recognisable by
// secret scanners and by people.
const APIKeyPrefix = "argus_"

// DisplayPrefixLen is how many characters of an API key (including
// APIKeyPrefix) are stored in the clear to tell keys apart in lists.
const DisplayPrefixLen = len(APIKeyPrefix) + 6

// RandomBytes is the entropy of every token.
const RandomBytes = 32

// lowercase, unpadded base32: double-click selects the whole key and it
// survives case-insensitive handling.
var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ErrMalformed is returned for a presented token that cannot be one of ours.
var ErrMalformed = errors.New("token: malformed")

// APIKey is a newly made API key.
type APIKey struct {
	Plaintext     string // shown once to the user, never stored
	Hash          string // SHA-256 of Plaintext, hex
	DisplayPrefix string // first DisplayPrefixLen characters
}

// NewAPIKey makes a fresh API key.
func NewAPIKey() (APIKey, error) {
	b, err := randomBytes()
	if err != nil {
		return APIKey{}, err
	}
	plain := APIKeyPrefix + keyEncoding.EncodeToString(b)
	return APIKey{Plaintext: plain, Hash: Hash(plain), DisplayPrefix: plain[:DisplayPrefixLen]}, nil
}

// ParseAPIKey checks the form of a presented API key and returns its hash
// for lookup.
func ParseAPIKey(presented string) (hash string, err error) {
	body, ok := strings.CutPrefix(presented, APIKeyPrefix)
	if !ok {
		return "", ErrMalformed
	}
	raw, err := keyEncoding.DecodeString(body)
	if err != nil || len(raw) != RandomBytes {
		return "", ErrMalformed
	}
	return Hash(presented), nil
}

// Opaque is a newly made session, reset or state token.
type Opaque struct {
	Plaintext string // hex of 32 random bytes; goes into the cookie, mail or URL
	Hash      string // SHA-256 of Plaintext, hex; goes into the database
}

// NewOpaque makes a fresh session, password-reset or OAuth state token.
func NewOpaque() (Opaque, error) {
	b, err := randomBytes()
	if err != nil {
		return Opaque{}, err
	}
	plain := hex.EncodeToString(b)
	return Opaque{Plaintext: plain, Hash: Hash(plain)}, nil
}

// ParseOpaque checks the form of a presented opaque token and returns its
// hash for lookup.
func ParseOpaque(presented string) (hash string, err error) {
	raw, err := hex.DecodeString(presented)
	if err != nil || len(raw) != RandomBytes {
		return "", ErrMalformed
	}
	return Hash(presented), nil
}

// Hash is the stored form of a token: SHA-256, hex-encoded.
func Hash(plaintext string) string {
	sum := sha256.Sum256([]byte(plaintext))
	return hex.EncodeToString(sum[:])
}

func randomBytes() ([]byte, error) {
	b := make([]byte, RandomBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, nil
}
