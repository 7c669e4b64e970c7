// Package redact masks credentials in text that is stored, printed or sent.
//
// A value is masked to its first and last character ("password" becomes
// "p******d"); values of one or two characters are masked completely. A
// [Redactor] replaces every occurrence of a known set of values in a text,
// which is how secrets typed by an agent are kept out of steps, summaries,
// logs, webhooks and issues.
package redact

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// Mask returns s with every character but the first and last replaced by
// '*'. Strings of one or two characters become all '*'. Length is kept so a
// reader can still tell values apart in an audit.
func Mask(s string) string {
	r := []rune(s)
	if len(r) <= 2 {
		return strings.Repeat("*", len(r))
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// Redactor replaces known secret values in text with their masks. The zero
// value redacts nothing; Add values as they become known. It is safe for
// concurrent use.
type Redactor struct {
	mu       sync.RWMutex
	values   []string
	replacer *strings.Replacer
}

// New returns a Redactor for values. Empty values are ignored.
func New(values ...string) *Redactor {
	r := &Redactor{}
	r.Add(values...)
	return r
}

// Add registers more values to redact.
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, v := range values {
		if v == "" || slices.Contains(r.values, v) {
			continue
		}
		r.values = append(r.values, v)
		changed = true
	}
	if !changed {
		return
	}
	// Longest first, so a secret that contains another is masked whole.
	sorted := slices.Clone(r.values)
	slices.SortFunc(sorted, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	pairs := make([]string, 0, 2*len(sorted))
	for _, v := range sorted {
		pairs = append(pairs, v, Mask(v))
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// String returns text with every registered value masked.
func (r *Redactor) String(text string) string {
	if r == nil {
		return text
	}
	r.mu.RLock()
	rep := r.replacer
	r.mu.RUnlock()
	if rep == nil {
		return text
	}
	return rep.Replace(text)
}

// Len reports how many values are registered.
func (r *Redactor) Len() int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.values)
}
