package client

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func collect(t *testing.T, stream string) ([]Event, time.Duration) {
	t.Helper()
	var got []Event
	var retry time.Duration
	err := readEvents(strings.NewReader(stream), func(ev Event) error { got = append(got, ev); return nil },
		func(d time.Duration) { retry = d })
	if !errors.Is(err, io.EOF) {
		t.Fatalf("readEvents: %v", err)
	}
	return got, retry
}

func TestReadEventsFollowsTheStandard(t *testing.T) {
	stream := ": heartbeat\n\nretry: 2500\nid: 7\nevent: step\ndata: {\"index\":1}\n\n" +
		"data: line one\r\ndata:line two\r\n\r\n" +
		"event: end\ndata\n\n" +
		"data: never dispatched without a blank line"
	got, retry := collect(t, stream)
	if retry != 2500*time.Millisecond {
		t.Errorf("retry %v", retry)
	}
	want := []Event{
		{ID: "7", Type: "step", Data: []byte(`{"index":1}`)},
		{ID: "7", Type: "message", Data: []byte("line one\nline two")},
		{ID: "7", Type: "end", Data: []byte("")},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events: %+v", len(got), got)
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Type != want[i].Type || string(got[i].Data) != string(want[i].Data) {
			t.Errorf("event %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func FuzzReadEvents(f *testing.F) {
	f.Add("event: step\ndata: {}\n\n")
	f.Add("data: a\rdata: b\r\r")
	f.Add(":\n\nid: \x00\nretry: x\n\n")
	f.Fuzz(func(t *testing.T, stream string) {
		n := 0
		err := readEvents(strings.NewReader(stream), func(ev Event) error {
			n++
			if ev.Type == "" {
				t.Fatal("event without a type")
			}
			return nil
		}, nil)
		if err != nil && !errors.Is(err, io.EOF) {
			t.Fatalf("unexpected error %v", err)
		}
		if n > strings.Count(stream, "\n")+strings.Count(stream, "\r")+1 {
			t.Fatalf("%d events from %d line breaks", n, strings.Count(stream, "\n"))
		}
	})
}
