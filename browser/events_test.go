package browser

import (
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestRing(t *testing.T) {
	r := newRing[int](3)
	if got, d := r.snapshot(); len(got) != 0 || d != 0 {
		t.Fatalf("empty ring = %v, %d", got, d)
	}
	for i := 1; i <= 5; i++ {
		r.add(i)
	}
	got, dropped := r.snapshot()
	if len(got) != 3 || got[0] != 3 || got[2] != 5 || dropped != 2 {
		t.Errorf("ring = %v dropped %d, want [3 4 5] dropped 2", got, dropped)
	}
	got[0] = 99
	if again, _ := r.snapshot(); again[0] != 3 {
		t.Error("snapshot shares the ring's storage")
	}
}

func TestRingConcurrent(t *testing.T) {
	r := newRing[string](MaxConsoleEntries)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				r.add(strconv.Itoa(g) + ":" + strconv.Itoa(i))
				if i%50 == 0 {
					r.snapshot()
				}
			}
		})
	}
	wg.Wait()
	got, dropped := r.snapshot()
	if len(got) != MaxConsoleEntries || dropped != 2000-MaxConsoleEntries {
		t.Errorf("len %d dropped %d", len(got), dropped)
	}
}

func TestClipText(t *testing.T) {
	if got := clipText("short"); got != "short" {
		t.Errorf("clipText = %q", got)
	}
	got := clipText(strings.Repeat("x", 5000))
	if len([]rune(got)) != maxEventText+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("clipped to %d characters", len([]rune(got)))
	}
}

func TestNetworkEventFailed(t *testing.T) {
	for _, c := range []struct {
		e    NetworkEvent
		want bool
	}{
		{NetworkEvent{Status: 200}, false},
		{NetworkEvent{Status: 302}, false},
		{NetworkEvent{Status: 404}, true},
		{NetworkEvent{Status: 503}, true},
		{NetworkEvent{Error: "net::ERR_FAILED"}, true},
	} {
		if got := c.e.Failed(); got != c.want {
			t.Errorf("%+v.Failed() = %v", c.e, got)
		}
	}
}
