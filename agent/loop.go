package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/argusqa/argus/browser"
)

// loopDetector counts identical actions on an unchanged page. At the
// threshold the model is told once; the next time, the run ends.
type loopDetector struct {
	threshold int
	counts    map[string]int
	warned    bool
}

func newLoopDetector(threshold int) *loopDetector {
	return &loopDetector{threshold: threshold, counts: map[string]int{}}
}

// loopVerdict says what to do with an action about to run.
type loopVerdict int

const (
	loopOK   loopVerdict = iota
	loopWarn             // tell the model, do not act
	loopStop             // end the run as error
)

// see registers an action on a page state and says whether it is a loop.
func (d *loopDetector) see(action string, page string) (loopVerdict, int) {
	key := action + "\x00" + page
	d.counts[key]++
	n := d.counts[key]
	if n < d.threshold {
		return loopOK, n
	}
	if !d.warned {
		d.warned = true
		return loopWarn, n
	}
	return loopStop, n
}

// pageDigest identifies the page state an action was chosen on: two equal
// digests mean the action changed nothing the agent can see.
func pageDigest(obs *browser.Observation) string {
	if obs == nil {
		return ""
	}
	h := sha256.New()
	io.WriteString(h, obs.URL+"\x00"+obs.Title+"\x00"+obs.Text+"\x00")
	for _, e := range obs.Elements {
		fmt.Fprintf(h, "%d|%s|%s|%s|%v|%v|%v\x00", e.Index, e.Label(), e.Value, e.Path, e.Checked, e.Selected, e.Disabled)
	}
	return hex.EncodeToString(h.Sum(nil))
}
