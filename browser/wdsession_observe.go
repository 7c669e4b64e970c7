package browser

import (
	"context"
	"math"
	"net/url"
)

// observeArgs are the page agent's observe options.
type observeArgs struct {
	MaxText int  `json:"maxText"`
	MaxHTML int  `json:"maxHTML"`
	HTML    bool `json:"html"`
	Force   bool `json:"force,omitempty"`
}

type observationJSON struct {
	Token string        `json:"tok"`
	URL   string        `json:"url"`
	Title string        `json:"title"`
	VP    [6]float64    `json:"vp"`
	Els   []elementJSON `json:"els"`
	Text  string        `json:"text"`
	TC    int           `json:"tc"`
	Foc   int           `json:"foc"`
	HTML  string        `json:"html"`
	HC    int           `json:"hc"`
}

// elementJSON is an element as the page agent describes it; short keys
// keep the answer small on pages with hundreds of elements.
type elementJSON struct {
	I  int        `json:"i"`
	G  string     `json:"g"`
	R  string     `json:"r"`
	N  string     `json:"n"`
	T  string     `json:"t"`
	V  string     `json:"v"`
	P  string     `json:"p"`
	H  string     `json:"h"`
	D  int        `json:"d"`
	C  int        `json:"c"`
	S  int        `json:"s"`
	IV int        `json:"iv"`
	B  [4]float64 `json:"b"`
	F  string     `json:"f"`
	PA string     `json:"pa"`
	O  []string   `json:"o"`
	// TI is the index of the element an action really applies to when it
	// differs from the target (the file input behind a label).
	TI int `json:"ti"`
}

func (e elementJSON) element() Element {
	return Element{
		Index: e.I, Tag: e.G, Role: e.R, Name: e.N, Type: e.T, Value: e.V, Placeholder: e.P, Href: e.H,
		Options: e.O, Disabled: e.D != 0, Checked: e.C != 0, Selected: e.S != 0, InViewport: e.IV != 0,
		Box: Rect{X: e.B[0], Y: e.B[1], Width: e.B[2], Height: e.B[3]}, Frame: e.F, Path: e.PA,
	}
}

func (s *wdSession) Observe(ctx context.Context, opts ObserveOptions) (*Observation, error) {
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	// Sized like the last observation: encoding/json appends into the
	// capacity it finds, so a page of hundreds of elements is not decoded
	// through a run of slice doublings.
	s.obsMu.Lock()
	o := observationJSON{Els: make([]elementJSON, 0, len(s.obs.els))}
	s.obsMu.Unlock()
	if err := s.callAgent(ctx, "observe", &o, observeArgs{MaxText: MaxTextChars, MaxHTML: MaxHTMLChars, HTML: opts.IncludeHTML}); err != nil {
		return nil, s.fail("observe", err)
	}
	if s.egress != nil {
		if what := s.egress.offOrigin(ctx, o.URL); what != "" {
			// The tab leaves the page for one that says why, as the proxy's
			// refusal of an HTTP navigation does; the agent can go back.
			if err := s.wd.Navigate(ctx, blockedPage(what)); err != nil {
				return nil, s.fail("leave a page outside the allowed origins", err)
			}
			o = observationJSON{}
			if err := s.callAgent(ctx, "observe", &o, observeArgs{MaxText: MaxTextChars, MaxHTML: MaxHTMLChars, HTML: opts.IncludeHTML}); err != nil {
				return nil, s.fail("observe", err)
			}
		}
	}
	obs := &Observation{
		URL:      o.URL,
		Title:    o.Title,
		Elements: make([]Element, len(o.Els)),
		Focused:  o.Foc,
		Viewport: Viewport{
			Width: int(o.VP[0]), Height: int(o.VP[1]), ScrollX: int(o.VP[2]), ScrollY: int(o.VP[3]),
			PageWidth: int(o.VP[4]), PageHeight: int(o.VP[5]),
		},
	}
	var cut bool
	obs.Text, cut = truncateChars(o.Text, MaxTextChars)
	obs.TextTruncated = cut || o.TC != 0
	if opts.IncludeHTML {
		obs.HTML, cut = truncateChars(o.HTML, MaxHTMLChars)
		obs.HTMLTruncated = cut || o.HC != 0
	}
	fps := make(map[int]fingerprint, len(o.Els))
	for i, e := range o.Els {
		obs.Elements[i] = e.element()
		fps[e.I] = fingerprint{Tag: e.G, Role: e.R, Name: e.N, box: e.B}
	}
	s.obsMu.Lock()
	s.obs = lastObservation{valid: true, token: o.Token, els: fps}
	s.obsMu.Unlock()
	return obs, nil
}

// resolveRequest is what the page agent's resolve takes.
type resolveRequest struct {
	Action  string       `json:"action"`
	Timeout int64        `json:"timeout"`
	Index   int          `json:"index,omitempty"`
	Token   string       `json:"tok,omitempty"`
	FP      *fingerprint `json:"fp,omitempty"`
	Prev    []float64    `json:"prev,omitempty"`
	Text    string       `json:"text,omitempty"`
	Label   string       `json:"label,omitempty"`
	Role    string       `json:"role,omitempty"`
	Name    string       `json:"name,omitempty"`
	CSS     string       `json:"css,omitempty"`
	Force   bool         `json:"force,omitempty"`
}

type resolveResult struct {
	El      elementJSON `json:"el"`
	X       float64     `json:"x"`
	Y       float64     `json:"y"`
	Frames  int         `json:"frames"`
	Focused bool        `json:"focused"`
}

// request turns a target into a resolve request, checking an index against
// the latest observation.
func (s *wdSession) request(t Target, action string) (resolveRequest, error) {
	if err := t.Validate(); err != nil {
		return resolveRequest{}, err
	}
	r := resolveRequest{Action: action, Timeout: s.cfg.ActionTimeout.Milliseconds(), Text: t.Text, Label: t.Label, Role: t.Role, Name: t.Name, CSS: t.CSS}
	if t.Index == 0 {
		return r, nil
	}
	s.obsMu.Lock()
	obs := s.obs
	s.obsMu.Unlock()
	if !obs.valid {
		return r, fmtErr(ErrStaleTarget, "no observation yet; observe the page before addressing element [%d]", t.Index)
	}
	fp, ok := obs.els[t.Index]
	if !ok {
		return r, fmtErr(ErrStaleTarget, "element [%d] is not in the latest observation; observe again", t.Index)
	}
	r.Index, r.Token, r.FP = t.Index, obs.token, &fp
	r.Prev = []float64{math.Round(fp.box[0]), math.Round(fp.box[1]), math.Round(fp.box[2]), math.Round(fp.box[3])}
	return r, nil
}

// blockedPage is a data: URL of a page saying the target policy refused
// what: no network, nothing of the refused page.
func blockedPage(what string) string {
	return "data:text/plain;charset=utf-8," + url.PathEscape("blocked by Argus's target policy: "+what)
}
