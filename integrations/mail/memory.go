package mail

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// Memory is a Store in memory, for `argus run`: mail lives only as long as
// the process, so nothing needs sealing or purging.
type Memory struct {
	mu    sync.Mutex
	boxes map[string]*memBox
}

type memBox struct {
	mb   Mailbox
	msgs []Message // oldest first
}

// NewMemory returns a Memory with a mailbox for each label.
func NewMemory(labels ...string) *Memory {
	m := &Memory{boxes: map[string]*memBox{}}
	for _, l := range labels {
		m.boxes[l] = &memBox{mb: Mailbox{Project: uuid.New(), Label: l}}
	}
	return m
}

// Resolve implements Store.
func (m *Memory) Resolve(_ context.Context, label string) (Mailbox, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.boxes[label]
	if !ok {
		return Mailbox{}, ErrNoMailbox
	}
	mb := b.mb
	mb.Stored = len(b.msgs)
	return mb, nil
}

// Deliver implements Store.
func (m *Memory) Deliver(_ context.Context, mb Mailbox, quota int, msg *Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.boxes[mb.Label]
	if !ok {
		return ErrNoMailbox
	}
	if len(b.msgs) >= quota {
		return ErrQuota
	}
	b.msgs = append(b.msgs, *msg)
	return nil
}

// Reader reads the mailbox of label.
func (m *Memory) Reader(label string) Reader { return memReader{m: m, label: label} }

type memReader struct {
	m     *Memory
	label string
}

func (r memReader) Find(_ context.Context, q Query) ([]Message, error) {
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	b, ok := r.m.boxes[r.label]
	if !ok {
		return nil, nil
	}
	var out []Message
	for _, msg := range slices.Backward(b.msgs) {
		if q.Matches(&msg) {
			out = append(out, msg)
			if len(out) == q.EffectiveLimit() {
				break
			}
		}
	}
	return out, nil
}

// Matches reports whether m is selected by q (every Store applies the
// same rule).
func (q Query) Matches(m *Message) bool {
	if q.To != "" && !strings.EqualFold(q.To, m.To) {
		return false
	}
	if q.SubjectContains != "" && !strings.Contains(strings.ToLower(m.Subject), strings.ToLower(q.SubjectContains)) {
		return false
	}
	return q.Since.IsZero() || !m.Received.Before(q.Since)
}

// EffectiveLimit is Limit bounded to 1..MaxFind.
func (q Query) EffectiveLimit() int {
	if q.Limit <= 0 || q.Limit > MaxFind {
		return MaxFind
	}
	return q.Limit
}
