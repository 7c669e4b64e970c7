package suite

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
)

// hashVersion changes whenever the hash's input changes meaning, so old
// replay caches are ignored instead of misread.
const hashVersion = "argus-test-hash/1"

// Hash returns a hex SHA-256 digest of what defines the test's behaviour:
// its name, url, goal, steps, checkpoints, persona and role. The agent's replay cache is
// keyed by it, so a saved replay is used only for the exact test it was
// recorded from.
//
// Steps enter in canonical form (Step.String), so respelling a step
// without changing its meaning (go to "/x" → navigate "/x") keeps the
// hash; goal and checkpoints enter as trimmed text. Tags, timeout,
// expected_failure and the file's location are left out: moving or
// retagging a test does not invalidate its replay. The base URL is not
// part of the test either; a cache that spans environments adds it.
func (t *Test) Hash() string {
	h := sha256.New()
	field := func(tag, value string) {
		writeField(h, tag, value)
	}
	field("version", hashVersion)
	field("name", t.Name)
	field("url", t.URL)
	field("goal", t.Goal)
	field("steps", strconv.Itoa(len(t.Steps)))
	for _, s := range t.Steps {
		field("step", s.String())
	}
	field("checkpoints", strconv.Itoa(len(t.Checkpoints)))
	for _, c := range t.Checkpoints {
		field("checkpoint", c)
	}
	// Only when set, so tests without a persona keep their hashes: a run
	// as another persona (another language, another account) may take
	// other steps.
	if t.Persona != "" {
		field("persona", t.Persona)
	}
	// Likewise a role: a model asked to audit takes other steps than one
	// asked to check a feature, so a replay is not shared between them.
	if t.Role != "" {
		field("role", t.Role)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeField writes a length-prefixed tag and value, so no two different
// field lists produce the same byte stream.
func writeField(h hash.Hash, tag, value string) {
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(tag)))])
	h.Write([]byte(tag))
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(value)))])
	h.Write([]byte(value))
}
